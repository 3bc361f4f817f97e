//! Remote names for local files.
//!
//! Every name is put in Unicode NFC (macOS and some cameras write NFD; both
//! services would otherwise show two different-looking "same" names).
//!
//! OneDrive's rules, and what dkcloud does about each:
//! - the characters `" * : < > ? / \ |` are replaced by their full-width
//!   look-alikes `＂ ＊ ： ＜ ＞ ？ ／ ＼ ｜` (U+FF02 ...), as rclone and the
//!   OneDrive clients do, so the name still reads the same;
//! - a leading or trailing space becomes `␠` (U+2420, SYMBOL FOR SPACE);
//! - reserved names cannot be mapped without changing their meaning and are a
//!   per-file error: `CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`
//!   (alone or before an extension), `.lock`, `desktop.ini`, names starting
//!   with `~$`, and names containing `_vti_`;
//! - a whole path longer than 400 characters is a per-file error.
//!
//! Dropbox accepts any other name; it only gets the NFC normalisation.

use crate::ServiceKind;
use unicode_normalization::UnicodeNormalization;

/// OneDrive's limit on the length of a whole path, in characters.
pub const ONEDRIVE_MAX_PATH: usize = 400;

/// Why a name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is not valid Unicode")]
    NotUnicode,
    #[error("the name is empty")]
    Empty,
    #[error("'{0}' is a name OneDrive reserves")]
    Reserved(String),
    #[error("the path is {0} characters long; OneDrive allows {ONEDRIVE_MAX_PATH}")]
    TooLong(usize),
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        '"' => '\u{FF02}',
        '*' => '\u{FF0A}',
        ':' => '\u{FF1A}',
        '<' => '\u{FF1C}',
        '>' => '\u{FF1E}',
        '?' => '\u{FF1F}',
        '/' => '\u{FF0F}',
        '\\' => '\u{FF3C}',
        '|' => '\u{FF5C}',
        _ => return None,
    })
}

const SPACE_SYMBOL: char = '\u{2420}';

fn reserved_on_onedrive(name: &str) -> bool {
    let lower = name.to_lowercase();
    if lower == ".lock" || lower == "desktop.ini" || lower.starts_with("~$") || lower.contains("_vti_") {
        return true;
    }
    let stem = lower.split('.').next().unwrap_or_default();
    match stem {
        "con" | "prn" | "aux" | "nul" => true,
        _ => {
            let b = stem.as_bytes();
            b.len() == 4 && (stem.starts_with("com") || stem.starts_with("lpt")) && b[3].is_ascii_digit()
        }
    }
}

/// The remote form of one path component.
pub fn remote_name(local: &std::ffi::OsStr, service: ServiceKind) -> Result<String, NameError> {
    let name: String = local.to_str().ok_or(NameError::NotUnicode)?.nfc().collect();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if service == ServiceKind::Dropbox {
        return Ok(name);
    }
    if reserved_on_onedrive(&name) {
        return Err(NameError::Reserved(name));
    }
    let mut mapped: Vec<char> = name.chars().map(|c| full_width(c).unwrap_or(c)).collect();
    if let Some(first) = mapped.first_mut().filter(|c| **c == ' ') {
        *first = SPACE_SYMBOL;
    }
    if let Some(last) = mapped.last_mut().filter(|c| **c == ' ') {
        *last = SPACE_SYMBOL;
    }
    Ok(mapped.into_iter().collect())
}

/// Checks a complete remote path against the service's length limit.
pub fn check_path(path: &str, service: ServiceKind) -> Result<(), NameError> {
    let len = path.chars().count();
    if service == ServiceKind::OneDrive && len > ONEDRIVE_MAX_PATH {
        return Err(NameError::TooLong(len));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn od(name: &str) -> Result<String, NameError> {
        remote_name(OsStr::new(name), ServiceKind::OneDrive)
    }

    #[test]
    fn forbidden_characters_become_full_width_look_alikes() {
        assert_eq!(od(r#"a"b*c:d<e>f?g\h|i.jpg"#).unwrap(), "a＂b＊c：d＜e＞f？g＼h｜i.jpg");
        assert_eq!(od("plain.jpg").unwrap(), "plain.jpg");
    }

    #[test]
    fn leading_and_trailing_spaces_are_made_visible() {
        assert_eq!(od(" x y ").unwrap(), "␠x y␠");
        assert_eq!(od(" ").unwrap(), "␠");
    }

    #[test]
    fn reserved_names_are_refused_with_a_reason() {
        for bad in ["CON", "con.txt", "Aux", "nul.jpg", "COM1", "lpt9.log", ".lock", "Desktop.ini", "~$draft.docx", "a_vti_b"] {
            assert!(matches!(od(bad), Err(NameError::Reserved(_))), "{bad}");
        }
        for fine in ["CONTACT.jpg", "com10", "lpt", "console.png", "~draft"] {
            assert!(od(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn names_are_put_in_nfc() {
        let decomposed = "Cafe\u{301}.jpg";
        assert_eq!(od(decomposed).unwrap(), "Caf\u{e9}.jpg");
        assert_eq!(remote_name(OsStr::new(decomposed), ServiceKind::Dropbox).unwrap(), "Caf\u{e9}.jpg");
    }

    #[test]
    fn dropbox_names_keep_their_characters() {
        assert_eq!(remote_name(OsStr::new("a:b?.jpg"), ServiceKind::Dropbox).unwrap(), "a:b?.jpg");
    }

    #[test]
    fn over_long_paths_are_refused_on_onedrive_only() {
        let long = format!("/{}", "x".repeat(400));
        assert_eq!(check_path(&long, ServiceKind::OneDrive), Err(NameError::TooLong(401)));
        assert!(check_path(&long, ServiceKind::Dropbox).is_ok());
        assert!(check_path(&long[..400], ServiceKind::OneDrive).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_unicode_are_refused() {
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(od_bytes(b"bad\xff.jpg"), Err(NameError::NotUnicode));
        fn od_bytes(b: &[u8]) -> Result<String, NameError> {
            remote_name(OsStr::from_bytes(b), ServiceKind::OneDrive)
        }
    }
}
