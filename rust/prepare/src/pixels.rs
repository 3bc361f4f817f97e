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

/// Catmull-Rom reaches two pixels either side, scaled by the shrink factor.
const FILTER_SUPPORT: f64 = 2.0;

/// Resizes an image whose rows arrive from top to bottom, one band of output rows at
/// a time, so resizing can start before the image is fully decoded. Each band is the
/// same as the matching rows of a whole-image resize: the filter window of every
/// output row lies inside the source rows handed in, or is clipped where the image
/// itself ends.
pub struct BandResizer {
    src: (u32, u32),
    dst: (u32, u32),
    pixel_type: PixelType,
    pitch: usize,
    /// Source rows per output row.
    scale: f64,
    /// How far the filter reaches, in source rows.
    reach: f64,
    resizer: Resizer,
}

impl BandResizer {
    pub fn new(src: (u32, u32), dst: (u32, u32), channels: u8) -> Self {
        let scale = src.1 as f64 / dst.1 as f64;
        BandResizer {
            src,
            dst,
            pixel_type: if channels == 1 {
                PixelType::U8
            } else {
                PixelType::U8x3
            },
            pitch: src.0 as usize * channels as usize,
            scale,
            reach: FILTER_SUPPORT * scale.max(1.0),
            resizer: Resizer::new(),
        }
    }

    /// Source rows (from the top) needed to make output rows up to `end`.
    pub fn rows_needed(&self, end: u32) -> u32 {
        if self.src == self.dst {
            return end;
        }
        let last_centre = (end as f64 - 0.5) * self.scale;
        ((last_centre + self.reach).ceil() as u32 + 1).min(self.src.1)
    }

    /// The first source row that output row `start` and those below it read.
    pub fn first_row_used(&self, start: u32) -> u32 {
        if self.src == self.dst {
            return start;
        }
        let centre = (start as f64 + 0.5) * self.scale;
        ((centre - self.reach).floor() - 1.0).max(0.0) as u32
    }

    /// Makes output rows `start..end` into `out` from `decoded`, source rows from
    /// `decoded_from` on (at least from `first_row_used(start)` to `rows_needed(end)`).
    pub fn band(
        &mut self,
        decoded: &[u8],
        decoded_from: u32,
        start: u32,
        end: u32,
        out: &mut [u8],
    ) {
        let (first, last) = (self.first_row_used(start), self.rows_needed(end));
        let rows = (first - decoded_from) as usize * self.pitch
            ..(last - decoded_from) as usize * self.pitch;
        let rows = &decoded[rows];
        if self.src == self.dst {
            out.copy_from_slice(rows);
            return;
        }
        let src = ImageRef::new(self.src.0, last - first, rows, self.pixel_type)
            .expect("band length matches its dimensions");
        let mut dst = Image::from_slice_u8(self.dst.0, end - start, out, self.pixel_type)
            .expect("output band length matches its dimensions");
        let top = start as f64 * self.scale - first as f64;
        // Rounding must not push the box past the last row at the bottom of the image.
        let height = ((end - start) as f64 * self.scale).min((last - first) as f64 - top);
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom))
            .crop(0.0, top, self.src.0 as f64, height);
        self.resizer
            .resize(&src, &mut dst, &options)
            .expect("same pixel type on both sides");
    }
}

/// The size a photo stored at `stored` shows at with an EXIF orientation: 5 to 8
/// turn it a quarter, so width and height swap.
pub fn displayed_size(orientation: u16, stored: (u32, u32)) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (stored.1, stored.0)
    } else {
        stored
    }
}

/// Where each displayed pixel of a photo is stored, for an EXIF orientation (EXIF
/// 2.32, 4.6.4 A, tag 0x0112): displayed (x, y) is stored at pixel index `base +
/// x * step_x + y * step_y`.
#[derive(Debug, Clone, Copy)]
pub struct Turn {
    pub base: isize,
    pub step_x: isize,
    pub step_y: isize,
    /// The stored image's width, in pixels.
    width: isize,
}

impl Turn {
    /// `stored` is the size of the image as stored, before turning.
    pub fn new(orientation: u16, (width, height): (u32, u32)) -> Self {
        let (w, h) = (width as isize, height as isize);
        // Stored column sx = ax*x + ay*y + a0 and row sy = bx*x + by*y + b0.
        let (ax, ay, a0, bx, by, b0) = match orientation {
            2 => (-1, 0, w - 1, 0, 1, 0),
            3 => (-1, 0, w - 1, 0, -1, h - 1),
            4 => (1, 0, 0, 0, -1, h - 1),
            5 => (0, 1, 0, 1, 0, 0),
            6 => (0, 1, 0, -1, 0, h - 1),
            7 => (0, -1, w - 1, -1, 0, h - 1),
            8 => (0, -1, w - 1, 1, 0, 0),
            _ => (1, 0, 0, 0, 1, 0),
        };
        Turn {
            base: b0 * w + a0,
            step_x: bx * w + ax,
            step_y: by * w + ay,
            width: w,
        }
    }

    /// The stored pixel index of displayed (x, y).
    pub fn index(&self, x: usize, y: usize) -> usize {
        (self.base + x as isize * self.step_x + y as isize * self.step_y) as usize
    }

    /// The stored row of displayed (x, y).
    pub fn row(&self, x: u32, y: u32) -> u32 {
        (self.index(x as usize, y as usize) as isize / self.width) as u32
    }
}

/// Turns the pixels so they display upright, following an EXIF orientation (1 to 8).
pub fn apply_orientation(pixels: Pixels, orientation: u16) -> Pixels {
    if !(2..=8).contains(&orientation) {
        return pixels;
    }
    let c = pixels.channels as usize;
    let (out_w, out_h) = displayed_size(orientation, (pixels.width, pixels.height));
    let (out_w, out_h) = (out_w as usize, out_h as usize);
    let turn = Turn::new(orientation, (pixels.width, pixels.height));
    let mut out = vec![0u8; pixels.data.len()];
    let src = &pixels.data;
    for y in 0..out_h {
        let row = &mut out[y * out_w * c..(y + 1) * out_w * c];
        for x in 0..out_w {
            let from = turn.index(x, y) * c;
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
pub fn cmyk_to_rgb_into(cmyk: &[u8], inverted: bool, rgb: &mut Vec<u8>) {
    rgb.reserve(cmyk.len() / 4 * 3);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(width: u32, height: u32, channels: u8) -> Pixels {
        let data = (0..width * height * channels as u32)
            .map(|i| ((i * 7919) % 251) as u8 ^ (i / (width * channels as u32)) as u8)
            .collect();
        Pixels {
            width,
            height,
            channels,
            data,
        }
    }

    /// Feeds the rows in uneven strips, dropping the rows no longer needed, as the
    /// JPEG pipeline does.
    fn by_bands(src: &Pixels, dst: (u32, u32), band: u32) -> Vec<u8> {
        let pitch_in = src.width as usize * src.channels as usize;
        let pitch_out = dst.0 as usize * src.channels as usize;
        let mut resizer = BandResizer::new((src.width, src.height), dst, src.channels);
        let mut out = vec![0u8; dst.1 as usize * pitch_out];
        let (mut window, mut first, mut made) = (Vec::new(), 0, 0);
        for strip in src.data.chunks(pitch_in * 5) {
            window.extend_from_slice(strip);
            let rows_in = first + (window.len() / pitch_in) as u32;
            while made < dst.1 {
                let end = (made + band).min(dst.1);
                if resizer.rows_needed(end) > rows_in {
                    break;
                }
                let rows = made as usize * pitch_out..end as usize * pitch_out;
                resizer.band(&window, first, made, end, &mut out[rows]);
                made = end;
            }
            let unused = resizer.first_row_used(made.min(dst.1 - 1)) - first;
            window.drain(..unused as usize * pitch_in);
            first += unused;
        }
        assert_eq!(made, dst.1);
        out
    }

    /// Which stored corner shows at the displayed top-left and top-right, per EXIF
    /// orientation (the tag's definition: e.g. 6, "the 0th row is the visual right-hand
    /// side, the 0th column the visual top"), and that every stored row is where
    /// `row` says.
    #[test]
    fn turns_follow_the_exif_orientations() {
        let (w, h) = (5u32, 3u32);
        let corner = |name: &str| match name {
            "TL" => 0,
            "TR" => w as usize - 1,
            "BL" => ((h - 1) * w) as usize,
            _ => (h * w) as usize - 1,
        };
        for (orientation, top_left, top_right) in [
            (1, "TL", "TR"),
            (2, "TR", "TL"),
            (3, "BR", "BL"),
            (4, "BL", "BR"),
            (5, "TL", "BL"),
            (6, "BL", "TL"),
            (7, "BR", "TR"),
            (8, "TR", "BR"),
        ] {
            let shown = displayed_size(orientation, (w, h));
            let turn = Turn::new(orientation, (w, h));
            assert_eq!(turn.index(0, 0), corner(top_left), "orientation {orientation}");
            assert_eq!(turn.index(shown.0 as usize - 1, 0), corner(top_right), "orientation {orientation}");
            let mut seen = vec![false; (w * h) as usize];
            for y in 0..shown.1 {
                for x in 0..shown.0 {
                    let at = turn.index(x as usize, y as usize);
                    assert!(!seen[at], "orientation {orientation}: ({x}, {y}) repeats a pixel");
                    seen[at] = true;
                    assert_eq!(turn.row(x, y), at as u32 / w, "orientation {orientation}");
                }
            }
        }
    }

    #[test]
    fn resizing_in_bands_matches_resizing_the_whole_image() {
        for (src, dst, channels) in [
            ((300, 200), (205, 137), 3),
            ((300, 200), (64, 43), 1),
            ((120, 333), (100, 277), 3),
            ((90, 60), (90, 60), 3),
            ((97, 61), (64, 61), 1),
        ] {
            let image = pattern(src.0, src.1, channels);
            let banded = by_bands(&image, dst, 16);
            let mut whole = Image::new(dst.0, dst.1, image.pixel_type());
            let options =
                ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
            let view = ImageRef::new(src.0, src.1, &image.data, image.pixel_type()).unwrap();
            Resizer::new().resize(&view, &mut whole, &options).unwrap();
            assert!(banded == whole.buffer(), "{src:?} -> {dst:?} differs");
        }
    }
}
