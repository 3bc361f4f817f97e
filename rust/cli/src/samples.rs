//! Sample files for `dkcloud demo`: a few real JPEG photos (generated, with
//! enough texture to be photo-sized) and one large clip that needs chunked upload.

use std::path::{Path, PathBuf};

const PHOTOS: [(&str, u32, u32); 5] = [
    ("sunrise.jpg", 2400, 1600),
    ("harbour.jpg", 2400, 1600),
    ("forest.jpg", 1600, 2400),
    ("meadow.jpg", 3000, 2000),
    ("night sky.jpg", 2000, 2000),
];

/// Size of the clip: large enough to go through upload sessions in several requests.
const CLIP_BYTES: usize = 24 * 1024 * 1024;

/// Writes the samples into `dir/Holiday 2026/` and returns the folder.
pub(crate) fn make(dir: &Path) -> std::io::Result<PathBuf> {
    let folder = dir.join("Holiday 2026");
    std::fs::create_dir_all(&folder)?;
    for (i, (name, w, h)) in PHOTOS.iter().enumerate() {
        let img = photo(*w, *h, i as u32);
        let file = std::fs::File::create(folder.join(name))?;
        let mut out = std::io::BufWriter::new(file);
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .map_err(std::io::Error::other)?;
    }
    std::fs::write(folder.join("boat trip.mp4"), clip(CLIP_BYTES))?;
    Ok(folder)
}

/// A colour gradient with hash noise: compresses like a real photo, not like a flat image.
fn photo(w: u32, h: u32, seed: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let n = hash(x ^ (seed << 20), y);
        let grain = (n & 0x1f) as i32 - 16;
        let r = (x * 255 / w) as i32 + grain;
        let g = (y * 255 / h) as i32 + grain;
        let b = (((x + y + seed * 97) * 255) / (w + h)) as i32 + ((n >> 8) & 0x0f) as i32;
        image::Rgb([r.clamp(0, 255) as u8, g.clamp(0, 255) as u8, b.clamp(0, 255) as u8])
    })
}

fn clip(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn hash(x: u32, y: u32) -> u32 {
    let mut v = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77);
    v ^= v >> 15;
    v = v.wrapping_mul(0x2C1B_3C6D);
    v ^ (v >> 12)
}
