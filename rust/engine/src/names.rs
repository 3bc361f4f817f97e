//! Remote names for local files, decided before anything is sent.
//!
//! Every name is put in Unicode NFC (macOS and some cameras write NFD; both
//! services would otherwise show two different-looking "same" names).
//!
//! OneDrive's rules, and what dkcloud does about each (the mapping is rclone's
//! OneDrive "encoder": each refused character has one look-alike, so
//! [`original_name`] reads the local name back):
//! - the characters `" * : < > ? / \ |` are replaced by their full-width
//!   look-alikes `＂ ＊ ： ＜ ＞ ？ ／ ＼ ｜` (U+FF02 ...), as rclone and the
//!   OneDrive clients do, so the name still reads the same;
//! - a leading or trailing space becomes `␠` (U+2420, SYMBOL FOR SPACE);
//! - a trailing `.` becomes `．` (U+FF0E, FULLWIDTH FULL STOP): OneDrive
//!   answers "invalid trailing character" (`nameContainsInvalidCharacters`);
//! - control characters U+0000-U+001F become their symbols `␀`-`␟`
//!   (U+2400-U+241F) and U+007F becomes `␡` (U+2421);
//! - reserved names cannot be mapped without changing their meaning and are a
//!   per-file error: `CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`
//!   (alone or before an extension), `.lock`, `desktop.ini`, names starting
//!   with `~$`, and names containing `_vti_`;
//! - a whole path longer than 400 characters is a per-file error.
//!
//! Dropbox's rules:
//! - a backslash becomes `＼` (U+FF3C), as rclone's Dropbox encoder does:
//!   Dropbox refuses it only when the file is committed, after its bytes;
//! - the names Dropbox never stores (`disallowed_name`: `desktop.ini`,
//!   `thumbs.db`, `.ds_store`, `icon\r`, `.dropbox`, `.dropbox.attr`, in any
//!   case) are [`NameError::NotStored`]: the file is reported "not stored",
//!   apart from failures, and nothing is sent.
//!
//! One remote name per file ([`DistinctNames`]): both services see two names
//! that differ only in case or Unicode normalisation as one, and a converted
//! photo takes the `.jpg` of its conversion. When two files of one run come
//! to one remote path, the first in walk order (sources in the order given,
//! a folder's files sorted by their local names' bytes) keeps it and each
//! later one gets ` (2)`, ` (3)`, ... before its extension, the first such
//! name no file of the run has: the same files give the same names every run.

use crate::ServiceKind;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// OneDrive's limit on the length of a whole path, in characters.
pub(crate) const ONEDRIVE_MAX_PATH: usize = 400;

/// Why a name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NameError {
    #[error("the name is not valid Unicode")]
    NotUnicode,
    #[error("the name is empty")]
    Empty,
    #[error("'{0}' is a name OneDrive reserves")]
    Reserved(String),
    #[error("the path is {0} characters long; OneDrive allows {ONEDRIVE_MAX_PATH}")]
    TooLong(usize),
    /// Not a failure: the service never stores a file of this name.
    #[error("Dropbox does not store files named {0}")]
    NotStored(String),
}

/// Names Dropbox refuses with `disallowed_name` (compared in lowercase).
const DROPBOX_NOT_STORED: [&str; 6] = ["desktop.ini", "thumbs.db", ".ds_store", "icon\r", ".dropbox", ".dropbox.attr"];

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
const FULL_WIDTH_STOP: char = '\u{FF0E}';
const FULL_WIDTH_BACKSLASH: char = '\u{FF3C}';
/// `␀`: control character `c` (U+0000-U+001F) becomes `CONTROL_SYMBOLS + c`.
const CONTROL_SYMBOLS: u32 = 0x2400;
const DELETE_SYMBOL: char = '\u{2421}';

fn control_symbol(c: char) -> Option<char> {
    match c as u32 {
        n @ 0..=0x1F => char::from_u32(CONTROL_SYMBOLS + n),
        0x7F => Some(DELETE_SYMBOL),
        _ => None,
    }
}

/// The local name a remote name was made from: undoes every mapping above
/// (the tests' proof that no two local names map to one remote name).
#[cfg(test)]
fn original_name(remote: &str, service: ServiceKind) -> String {
    let last = remote.chars().count().saturating_sub(1);
    remote
        .chars()
        .enumerate()
        .map(|(i, c)| match (service, c) {
            (ServiceKind::Dropbox, FULL_WIDTH_BACKSLASH) => '\\',
            (ServiceKind::Dropbox, c) => c,
            (_, SPACE_SYMBOL) if i == 0 || i == last => ' ',
            (_, FULL_WIDTH_STOP) if i == last => '.',
            (_, DELETE_SYMBOL) => '\u{7f}',
            (_, c) if (CONTROL_SYMBOLS..=CONTROL_SYMBOLS + 0x1F).contains(&(c as u32)) => {
                char::from_u32(c as u32 - CONTROL_SYMBOLS).unwrap_or(c)
            }
            (_, c) => ['"', '*', ':', '<', '>', '?', '/', '\\', '|'].into_iter().find(|&a| full_width(a) == Some(c)).unwrap_or(c),
        })
        .collect()
}

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
pub(crate) fn remote_name(local: &std::ffi::OsStr, service: ServiceKind) -> Result<String, NameError> {
    let name: String = local.to_str().ok_or(NameError::NotUnicode)?.nfc().collect();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if service == ServiceKind::Dropbox {
        if DROPBOX_NOT_STORED.contains(&name.to_lowercase().as_str()) {
            return Err(NameError::NotStored(name));
        }
        return Ok(name.replace('\\', &FULL_WIDTH_BACKSLASH.to_string()));
    }
    if reserved_on_onedrive(&name) {
        return Err(NameError::Reserved(name));
    }
    let mut mapped: Vec<char> = name.chars().map(|c| full_width(c).or_else(|| control_symbol(c)).unwrap_or(c)).collect();
    if let Some(first) = mapped.first_mut().filter(|c| **c == ' ') {
        *first = SPACE_SYMBOL;
    }
    if let Some(last) = mapped.last_mut() {
        match *last {
            ' ' => *last = SPACE_SYMBOL,
            '.' => *last = FULL_WIDTH_STOP,
            _ => {}
        }
    }
    Ok(mapped.into_iter().collect())
}

/// Checks a complete remote path against the service's length limit.
pub(crate) fn check_path(path: &str, service: ServiceKind) -> Result<(), NameError> {
    let len = path.chars().count();
    if service == ServiceKind::OneDrive && len > ONEDRIVE_MAX_PATH {
        return Err(NameError::TooLong(len));
    }
    Ok(())
}

/// Remote paths handed out in one run, by the key the services compare
/// (NFC, case ignored); 8 bytes a file.
#[derive(Default)]
pub struct DistinctNames {
    taken: HashSet<u64>,
}

fn name_key(path: &str) -> u64 {
    let key: String = path.nfc().collect::<String>().to_lowercase();
    let d = Sha256::digest(key.as_bytes());
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

impl DistinctNames {
    /// `path` if no file of the run has it yet, else its first free ` (N)` form.
    pub fn claim(&mut self, path: &str) -> String {
        if self.taken.insert(name_key(path)) {
            return path.to_owned();
        }
        let (parent, name) = path.rsplit_once('/').map_or(("", path), |(p, n)| (p, n));
        let (stem, ext) = match name.rfind('.') {
            Some(dot) if dot > 0 => name.split_at(dot),
            _ => (name, ""),
        };
        let slash = if path.contains('/') { "/" } else { "" };
        (2u64..)
            .map(|n| format!("{parent}{slash}{stem} ({n}){ext}"))
            .find(|candidate| self.taken.insert(name_key(candidate)))
            .unwrap_or_else(|| path.to_owned())
    }
}

/// What a file's report says when it was given its own name.
pub(crate) fn clash_notice(wanted: &str, given: &str, service: &str) -> String {
    let name = given.rsplit('/').next().unwrap_or(given);
    format!(
        "another file of this upload also comes to {wanted} on {service} (names there ignore case and \
         accent encoding, and a converted photo ends in .jpg): stored as {name}"
    )
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
    fn names_one_service_sees_as_one_get_distinct_names_in_order() {
        let mut names = DistinctNames::default();
        assert_eq!(names.claim("/R/IMG_1.JPG"), "/R/IMG_1.JPG");
        assert_eq!(names.claim("/R/img_1.jpg"), "/R/img_1 (2).jpg");
        assert_eq!(names.claim("/R/Img_1.Jpg"), "/R/Img_1 (3).Jpg");
        assert_eq!(names.claim("/R/Caf\u{e9}.jpg"), "/R/Caf\u{e9}.jpg");
        assert_eq!(names.claim("/R/Cafe\u{301}.jpg"), "/R/Cafe\u{301} (2).jpg");
        // A name of the " (N)" form that a file really has is not handed out twice.
        assert_eq!(names.claim("/R/img_1 (2).JPG"), "/R/img_1 (2) (2).JPG");
        assert_eq!(names.claim("/other/IMG_1.JPG"), "/other/IMG_1.JPG");
        assert_eq!(names.claim("/R/.hidden"), "/R/.hidden");
        assert_eq!(names.claim("/R/.HIDDEN"), "/R/.HIDDEN (2)");
        let mut bare = DistinctNames::default();
        assert_eq!((bare.claim("IMG.jpg"), bare.claim("IMG.jpg")), ("IMG.jpg".into(), "IMG (2).jpg".into()));
    }

    #[test]
    fn a_trailing_period_becomes_a_full_width_stop() {
        assert_eq!(od("Misc.").unwrap(), "Misc\u{FF0E}");
        assert_eq!(od("a..").unwrap(), "a.\u{FF0E}");
        assert_eq!(od("Misc.2024").unwrap(), "Misc.2024");
        assert_eq!(od(".hidden").unwrap(), ".hidden");
        // A trailing space is mapped first, as rclone does: the period is then inside.
        assert_eq!(od("a. ").unwrap(), "a.␠");
    }

    #[test]
    fn control_characters_become_their_symbols() {
        assert_eq!(od("a\tb\u{1}c\u{7f}.jpg").unwrap(), "a\u{2409}b\u{2401}c\u{2421}.jpg");
        assert_eq!(od("\u{0}x").unwrap(), "\u{2400}x");
    }

    #[test]
    fn every_mapping_reads_back_to_the_local_name() {
        for local in [r#"a"b*c:d<e>f?g\h|i.jpg"#, " lead and trail ", "Misc.", "a\tb\u{7f}.", "plain.jpg"] {
            let remote = od(local).unwrap();
            assert_eq!(original_name(&remote, ServiceKind::OneDrive), local, "{remote}");
        }
        let dropbox = remote_name(OsStr::new(r"a\b.jpg"), ServiceKind::Dropbox).unwrap();
        assert_eq!(dropbox, "a\u{FF3C}b.jpg");
        assert_eq!(original_name(&dropbox, ServiceKind::Dropbox), r"a\b.jpg");
    }

    #[test]
    fn names_dropbox_never_stores_are_not_stored_whatever_their_case() {
        for name in ["desktop.ini", "Thumbs.db", ".DS_Store", "Icon\r", ".dropbox", ".Dropbox.attr"] {
            let got = remote_name(OsStr::new(name), ServiceKind::Dropbox);
            assert_eq!(got, Err(NameError::NotStored(name.to_owned())), "{name:?}");
        }
        assert_eq!(
            NameError::NotStored("desktop.ini".into()).to_string(),
            "Dropbox does not store files named desktop.ini"
        );
        for fine in ["thumbs.db.jpg", "Icon", "dropbox", ".dropbox2"] {
            assert!(remote_name(OsStr::new(fine), ServiceKind::Dropbox).is_ok(), "{fine}");
        }
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
