//! What Dropbox's download answers carry besides the bytes (sent by
//! [`crate::ranged`]): the `Dropbox-API-Result` header's ASCII-only JSON and a
//! temporary link's media type.

/// JSON for a response header: everything outside printable ASCII escaped as
/// `\uXXXX` (UTF-16 units), which is how Dropbox sends `Dropbox-API-Result`.
pub(crate) fn ascii_json(v: &serde_json::Value) -> String {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (' '..='~').contains(&c) {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// The media type a temporary link serves a file as, from its extension.
pub(crate) fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "tif" | "tiff" => "image/tiff",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "avi" => "video/x-msvideo",
        "mkv" => "video/x-matroska",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "txt" | "log" => "text/plain; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_json_is_ascii() {
        let v = serde_json::json!({"name": "Fjällräven 🌲.jpg"});
        assert_eq!(ascii_json(&v), r#"{"name":"Fj\u00e4llr\u00e4ven \ud83c\udf32.jpg"}"#);
        let back: serde_json::Value = serde_json::from_str(&ascii_json(&v)).unwrap();
        assert_eq!(back, v);
    }
}
