//! OneDrive's rules for item names, and the names `rename` conflict behaviour picks.

use super::error::{GraphError, GraphResult};

const FORBIDDEN_CHARS: &[char] = &['"', '*', ':', '<', '>', '?', '/', '\\', '|'];
const RESERVED: &[&str] = &[".lock", "con", "prn", "aux", "nul", "desktop.ini"];
/// OneDrive's limit on the whole path of an item.
const MAX_PATH_CHARS: usize = 400;

/// Refuses a name OneDrive does not allow (Microsoft's "restrictions and limitations").
///
/// A character OneDrive refuses is answered as the service answers it: 400
/// `invalidRequest` with `innerError.code` `nameContainsInvalidCharacters`
/// (seen in real answers: "Path (...) contains invalid trailing character." for a
/// name ending in `.`, "... invalid leading character." for a leading space;
/// onedrive-api-docs#1488, dtinit/data-transfer-project#924). Control characters
/// (U+0000-U+001F, U+007F) are refused the same way.
pub(super) fn check_name(name: &str) -> GraphResult<()> {
    let bad = |why: &str| Err(GraphError::invalid_request(format!("The name '{name}' is not allowed: {why}.")));
    let bad_char = |why: &str| {
        Err(GraphError::invalid_request(format!("The name '{name}' is not allowed: Path ({name}) {why}."))
            .with_inner("nameContainsInvalidCharacters"))
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN_CHARS.contains(c) || c.is_control()) {
        return bad_char(&format!("contains the invalid character {c:?}"));
    }
    if name.starts_with(' ') {
        return bad_char("contains invalid leading character");
    }
    if name.ends_with(' ') || name.ends_with('.') {
        return bad_char("contains invalid trailing character");
    }
    let lower = name.to_lowercase();
    let numbered_device = (lower.starts_with("com") || lower.starts_with("lpt"))
        && lower.len() == 4
        && lower.as_bytes()[3].is_ascii_digit();
    if RESERVED.contains(&lower.as_str()) || numbered_device {
        return bad("it is a reserved name");
    }
    if lower.starts_with("~$") || lower.contains("_vti_") {
        return bad("names starting with '~$' or containing '_vti_' are reserved");
    }
    Ok(())
}

/// Checks every component of a remote path that is about to be written.
pub(super) fn check_path(remote: &str) -> GraphResult<()> {
    if remote.chars().count() > MAX_PATH_CHARS {
        return Err(GraphError::invalid_request(format!("The path is longer than {MAX_PATH_CHARS} characters.")));
    }
    remote.split('/').filter(|p| !p.is_empty()).try_for_each(check_name)
}

/// The `n`th alternative for a taken name: OneDrive appends " n" before a file's extension.
pub(super) fn numbered(name: &str, n: u32, is_file: bool) -> String {
    match name.rfind('.').filter(|&i| is_file && i > 0) {
        Some(dot) => format!("{} {n}{}", &name[..dot], &name[dot..]),
        None => format!("{name} {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_documented_names() {
        for name in
            ["a:b", "a?b", "a|b", " a", "a ", "a.", "Misc.", "..", "a\u{1}b", "a\u{7f}", "CON", "com1", "LPT9", ".lock", "desktop.ini", "~$doc", "x_vti_y", "a\"b"]
        {
            assert!(check_name(name).is_err(), "{name} should be refused");
        }
        for name in ["photo.jpg", "console", "com10", "a b", "Été 2024", ".hidden", "a.b"] {
            assert!(check_name(name).is_ok(), "{name} should be allowed");
        }
    }

    #[test]
    fn numbers_before_the_extension() {
        assert_eq!(numbered("photo.jpg", 1, true), "photo 1.jpg");
        assert_eq!(numbered("archive.tar.gz", 2, true), "archive.tar 2.gz");
        assert_eq!(numbered(".hidden", 1, true), ".hidden 1");
        assert_eq!(numbered("v1.2", 1, false), "v1.2 1");
    }
}
