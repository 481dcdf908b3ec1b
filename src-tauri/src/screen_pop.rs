//! Screen pop: the telephony system opens intake with the caller's number through the deep link
//! `hotline://intake?phone=...` (or `hotline intake --phone ...`, which starts the desk with that
//! link). A second start hands its link to the running desk and exits (single instance per data
//! folder), so the pop lands in the window the seat already has open.

use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager};

/// A pop that arrived before the window was ready to listen: the page takes it on load.
#[derive(Default)]
pub struct PendingPop(pub Mutex<Option<String>>);

/// The caller's number from `hotline://intake?phone=...`, if the link is one.
pub fn phone_of(link: &url::Url) -> Option<String> {
    if link.scheme() != "hotline" || link.host_str() != Some("intake") {
        return None;
    }
    link.query_pairs()
        .find(|(k, _)| k == "phone")
        .map(|(_, v)| v.trim().to_owned())
}

pub fn handle(app: &AppHandle, links: &[url::Url]) {
    let Some(phone) = links.iter().find_map(phone_of) else {
        return;
    };
    if let Some(pending) = app.try_state::<PendingPop>() {
        *pending.0.lock().expect("not poisoned") = Some(phone.clone());
    }
    crate::alerts::bring_to_front(app);
    let _ = app.emit("screen-pop", phone);
}

/// One desk per data folder on Linux: the single-instance D-Bus name carries a digest of the
/// folder, so two desks on two folders (a seat and a bureau in a test) run side by side.
pub fn instance_id(identifier: &str, data_dir: &std::path::Path) -> String {
    // FNV-1a: a short stable digest of the path; no crate needed for eight hex digits.
    let mut h: u32 = 0x811c_9dc5;
    for b in data_dir.to_string_lossy().bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("{identifier}.d{h:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_intake_links_carry_a_number() {
        let p = |s: &str| phone_of(&url::Url::parse(s).unwrap());
        assert_eq!(
            p("hotline://intake?phone=13800138000"),
            Some("13800138000".into())
        );
        assert_eq!(
            p("hotline://intake?phone=%2B86%20138"),
            Some("+86 138".into())
        );
        assert_eq!(p("hotline://case?phone=1"), None);
        assert_eq!(p("https://intake?phone=1"), None);
        assert_ne!(
            instance_id("a.b", "/x".as_ref()),
            instance_id("a.b", "/y".as_ref())
        );
    }
}
