//! Packed 8-bit pixel buffers (gray or RGB) and the operations on them.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// 1 (gray) or 3 (RGB).
    pub channels: u8,
    pub data: Vec<u8>,
}

impl Pixels {
    fn pixel_type(&self) -> PixelType {
        if self.channels == 1 {
            PixelType::U8
        } else {
            PixelType::U8x3
        }
    }
}

/// The size that fits within `max` on the longest side, aspect kept, never larger.
pub fn fitted_size(width: u32, height: u32, max: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max {
        return (width, height);
    }
    let scale = max as f64 / longest as f64;
    let fit = |side: u32| ((side as f64 * scale).round() as u32).clamp(1, max);
    (fit(width), fit(height))
}

/// Shrinks to fit within `max` pixels with a SIMD Catmull-Rom filter; never enlarges.
pub fn fit_within(pixels: Pixels, max: u32) -> Pixels {
    let (width, height) = fitted_size(pixels.width, pixels.height, max);
    if (width, height) == (pixels.width, pixels.height) {
        return pixels;
    }
    let kind = pixels.pixel_type();
    let src = ImageRef::new(pixels.width, pixels.height, &pixels.data, kind)
        .expect("buffer length matches its dimensions");
    let mut dst = Image::new(width, height, kind);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .expect("same pixel type on both sides");
    Pixels {
        width,
        height,
        channels: pixels.channels,
        data: dst.into_vec(),
    }
}

/// Turns the pixels so they display upright, following an EXIF orientation (1 to 8).
pub fn apply_orientation(pixels: Pixels, orientation: u16) -> Pixels {
    if !(2..=8).contains(&orientation) {
        return pixels;
    }
    let (w, h) = (pixels.width as usize, pixels.height as usize);
    let c = pixels.channels as usize;
    let swaps = orientation >= 5;
    let (out_w, out_h) = if swaps { (h, w) } else { (w, h) };
    let mut out = vec![0u8; pixels.data.len()];
    let src = &pixels.data;
    for y in 0..out_h {
        let row = &mut out[y * out_w * c..(y + 1) * out_w * c];
        for x in 0..out_w {
            // Where the displayed pixel (x, y) is stored.
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let from = (sy * w + sx) * c;
            row[x * c..x * c + c].copy_from_slice(&src[from..from + c]);
        }
    }
    Pixels {
        width: out_w as u32,
        height: out_h as u32,
        channels: pixels.channels,
        data: out,
    }
}

/// CMYK samples to RGB without a colour management system. Adobe writers store
/// the samples inverted (0 means full ink), which is what `inverted` says.
pub fn cmyk_to_rgb(cmyk: &[u8], inverted: bool) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(cmyk.len() / 4 * 3);
    for px in cmyk.chunks_exact(4) {
        let [c, m, y, k] = if inverted {
            [px[0], px[1], px[2], px[3]]
        } else {
            [255 - px[0], 255 - px[1], 255 - px[2], 255 - px[3]]
        };
        // Here each value is the amount of paper left white: 255 = no ink.
        let k = k as u32;
        rgb.push(((c as u32 * k + 127) / 255) as u8);
        rgb.push(((m as u32 * k + 127) / 255) as u8);
        rgb.push(((y as u32 * k + 127) / 255) as u8);
    }
    rgb
}

/// Blends RGBA onto a white background.
pub fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        let a = px[3] as u32;
        for &v in &px[..3] {
            rgb.push(((v as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    rgb
}

/// Blends gray + alpha onto a white background.
pub fn flatten_gray_on_white(la: &[u8]) -> Vec<u8> {
    la.chunks_exact(2)
        .map(|px| ((px[0] as u32 * px[1] as u32 + 255 * (255 - px[1] as u32) + 127) / 255) as u8)
        .collect()
}
