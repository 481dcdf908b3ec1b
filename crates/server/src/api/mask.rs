//! Caller data for roles that do not need it: 138****5678. Unmasking is an audited request.

use hotline_domain::case::{EventBody, Role};

/// Seats and supervisors call citizens back; bureau handlers, management and administrators
/// see masks.
pub fn sees_caller(role: Role) -> bool {
    hotline_domain::case::takes_calls(role)
}

/// Keeps the first three and last four digits: 13812345678 → 138****5678.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// An ID number keeps its first and last two characters.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    format!(
        "{}{}{}",
        chars[..2].iter().collect::<String>(),
        "*".repeat(chars.len() - 4),
        chars[chars.len() - 2..].iter().collect::<String>()
    )
}

/// Masks the caller inside an event for `role`, if that role does not see callers.
pub fn mask_event(role: Role, body: &mut EventBody) {
    if sees_caller(role) {
        return;
    }
    if let EventBody::Received(intake) = body {
        intake.caller.phone = mask_phone(&intake.caller.phone);
        intake.caller.id_number = intake.caller.id_number.as_deref().map(mask_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_enough_to_recognise_and_no_more() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("02012345678"), "020****5678");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_id("440106199001011234"), "44**************34");
    }
}
