//! Decides what a file is from its first bytes, with the name as a second opinion.

/// What kind of input a file is, and so how it is prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Jpeg,
    Png,
    Tiff,
    Webp,
    /// An image we cannot decode (RAW, HEIC, ...): uploaded as the original, with a notice.
    Undecodable(&'static str),
    /// Not an image (a video, a sidecar): uploaded untouched, silently.
    NotImage,
    /// The name claims an image format the content does not have.
    Mislabelled(&'static str),
}

const RAW_EXTENSIONS: &[&str] = &[
    "3fr", "ari", "arw", "bay", "cr2", "cr3", "crw", "dcr", "dng", "erf", "fff", "iiq", "k25",
    "kdc", "mef", "mos", "mrw", "nef", "nrw", "orf", "pef", "raf", "raw", "rw2", "rwl", "sr2",
    "srf", "srw", "x3f",
];

/// Classifies a file from its first bytes (at least 16 for the container formats) and its name.
pub fn classify(head: &[u8], file_name: &str) -> InputKind {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // Many RAW formats are TIFF inside; decoding them as TIFF would give the small
    // preview, not the photo. The extension is the only reliable hint.
    if RAW_EXTENSIONS.contains(&ext.as_str()) {
        return InputKind::Undecodable("RAW");
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return InputKind::Jpeg;
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return InputKind::Png;
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return InputKind::Tiff;
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return InputKind::Webp;
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        return match brand {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
                InputKind::Undecodable("HEIC")
            }
            b"avif" | b"avis" => InputKind::Undecodable("AVIF"),
            _ => InputKind::NotImage,
        };
    }
    if head.starts_with(b"GIF8") {
        return InputKind::Undecodable("GIF");
    }
    if head.starts_with(&[0xFF, 0x0A]) || head.starts_with(b"\0\0\0\x0cJXL ") {
        return InputKind::Undecodable("JPEG XL");
    }
    match ext.as_str() {
        "jpg" | "jpeg" | "jpe" => InputKind::Mislabelled("JPEG"),
        "png" => InputKind::Mislabelled("PNG"),
        "tif" | "tiff" => InputKind::Mislabelled("TIFF"),
        "webp" => InputKind::Mislabelled("WebP"),
        "heic" | "heif" => InputKind::Undecodable("HEIC"),
        "bmp" | "psd" | "jxl" | "avif" | "gif" => InputKind::Undecodable("this format"),
        _ => InputKind::NotImage,
    }
}
