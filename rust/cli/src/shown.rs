//! Text from a service or a file system, made safe to print: control
//! characters (terminal escape sequences among them) are shown escaped, so a
//! remote name cannot move the cursor, retitle the window or hide itself.

/// `text` with every control character but the line break escaped (`\u{1b}`).
pub(crate) fn text(text: &str) -> String {
    escaped(text, true)
}

/// A name: control characters, line breaks included, escaped.
pub(crate) fn name(name: &str) -> String {
    escaped(name, false)
}

fn escaped(text: &str, keep_newlines: bool) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\n' if keep_newlines => "\n".to_owned(),
            c if c.is_control() => c.escape_default().collect(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        assert_eq!(name("a\u{1b}]0;pwned\u{7}b.jpg"), "a\\u{1b}]0;pwned\\u{7}b.jpg");
        assert_eq!(name("x\ny\r"), "x\\ny\\r");
        assert_eq!(text("line 1\nline\u{9b}2"), "line 1\nline\\u{9b}2");
        assert_eq!(name("Été 2024/Café.jpg"), "Été 2024/Café.jpg");
    }
}
