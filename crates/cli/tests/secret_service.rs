//! The session token in a real Secret Service (GNOME Keyring on a private D-Bus session), as on a
//! Linux desktop: `hotline login` stores it there, `secret-tool` finds it, `hotline sync` uses it.

mod support;

use std::process::Command;

use support::{add_user, bin, database, free_port, server_admin, Server};

#[test]
fn login_keeps_the_token_in_secret_service_and_sync_uses_it() {
    let db = database();
    server_admin(&db, &["migrate"], "");
    add_user(&db, "seat1", "seat", "K001", "seat-password");
    let port = free_port();
    let _server = Server::start(&db, port);
    let data = tempfile::tempdir().unwrap();
    let hotline = bin("hotline");
    let url = format!("http://127.0.0.1:{port}");
    // Inside one private session bus: start an unlocked keyring, log in, look the secret up with
    // libsecret's own tool, then sync with no other source of the token.
    let script = format!(
        r#"set -e
eval "$(printf 'keyring-password' | gnome-keyring-daemon --unlock --components=secrets)"
printf 'seat-password' | {hotline} --data-dir {data} login --server {url} --user seat1 --password-stdin >/dev/null
device=$({hotline} --data-dir {data} store query "SELECT device_id FROM device")
secret-tool lookup service hotline-desk username "seat1@{url}#$device" | wc -c
{hotline} --data-dir {data} sync --once"#,
        hotline = hotline.display(),
        data = data.path().display(),
    );
    // The keyring in a folder of the test's own, never the machine's login keyring.
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("share"))
        .env_remove("HOTLINE_TOKEN")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("64"),
        "a 64-character token is in Secret Service"
    );
    assert!(
        lines.next().unwrap_or_default().starts_with("pushed 0"),
        "{stdout}"
    );
}
