//! Test photos made on the spot: JPEGs from raw pixels, EXIF blocks built by hand,
//! XMP packets and fake ICC profiles.

use std::path::{Path, PathBuf};

use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

pub const RED: [u8; 3] = [230, 20, 20];
pub const GREEN: [u8; 3] = [20, 200, 20];
pub const GRAY: [u8; 3] = [128, 128, 128];

/// An RGB canvas.
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Canvas {
    pub fn filled(width: usize, height: usize, colour: [u8; 3]) -> Self {
        Canvas {
            width,
            height,
            rgb: colour.repeat(width * height),
        }
    }

    /// A textured canvas, so that JPEG quality matters for the size.
    pub fn textured(width: usize, height: usize) -> Self {
        let mut rgb = Vec::with_capacity(width * height * 3);
        let mut seed = 0x2545_f491u32;
        for y in 0..height {
            for x in 0..width {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let noise = (seed % 64) as usize;
                rgb.push(((x * 255 / width + noise) % 256) as u8);
                rgb.push(((y * 255 / height + noise) % 256) as u8);
                rgb.push(((x + y + noise) % 256) as u8);
            }
        }
        Canvas { width, height, rgb }
    }

    /// Paints a block of `size` pixels at a corner: "TL", "TR", "BL" or "BR".
    pub fn mark(&mut self, corner: &str, size: usize, colour: [u8; 3]) {
        let x0 = if corner.ends_with('L') {
            0
        } else {
            self.width - size
        };
        let y0 = if corner.starts_with('T') {
            0
        } else {
            self.height - size
        };
        for y in y0..y0 + size {
            for x in x0..x0 + size {
                let at = (y * self.width + x) * 3;
                self.rgb[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    pub fn jpeg(&self, quality: i32) -> Vec<u8> {
        encode(
            &self.rgb,
            self.width,
            self.height,
            PixelFormat::RGB,
            quality,
            Subsamp::None,
            false,
        )
    }
}

pub fn encode(
    pixels: &[u8],
    width: usize,
    height: usize,
    format: PixelFormat,
    quality: i32,
    subsamp: Subsamp,
    progressive: bool,
) -> Vec<u8> {
    let mut c = Compressor::new().unwrap();
    c.set_quality(quality).unwrap();
    c.set_subsamp(subsamp).unwrap();
    c.set_progressive(progressive).unwrap();
    let image = Image {
        pixels,
        width,
        pitch: width * format.size(),
        height,
        format,
    };
    c.compress_to_vec(image).unwrap()
}

/// Inserts APPn segments right after SOI.
pub fn with_segments(jpeg: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn exif_segment(tiff: &[u8]) -> (u8, Vec<u8>) {
    (0xE1, [b"Exif\0\0".as_slice(), tiff].concat())
}

pub fn xmp_segment(packet: &str) -> (u8, Vec<u8>) {
    (
        0xE1,
        [
            b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
            packet.as_bytes(),
        ]
        .concat(),
    )
}

/// APP2 segments carrying `icc` in chunks of at most 60000 bytes.
pub fn icc_segments(icc: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let chunks: Vec<&[u8]> = icc.chunks(60_000).collect();
    let count = chunks.len() as u8;
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                0xE2,
                [b"ICC_PROFILE\0".as_slice(), &[i as u8 + 1, count], c].concat(),
            )
        })
        .collect()
}

/// A profile-shaped blob: only the header fields readers check are real.
pub fn fake_icc(colour_space: &[u8; 4], len: usize) -> Vec<u8> {
    let mut icc: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    icc[0..4].copy_from_slice(&(len as u32).to_be_bytes());
    icc[12..16].copy_from_slice(b"mntr");
    icc[16..20].copy_from_slice(colour_space);
    icc[20..24].copy_from_slice(b"XYZ ");
    icc[36..40].copy_from_slice(b"acsp");
    icc
}

/// What goes into a hand-built EXIF block.
pub struct ExifSpec {
    pub orientation: u16,
    pub pixel_size: (u32, u32),
    pub gps: bool,
}

pub const LATITUDE: [u32; 6] = [48, 1, 51, 1, 3089, 100];

/// A little-endian TIFF block: IFD0 (Make, Orientation, Exif and GPS pointers),
/// the Exif IFD (pixel dimensions) and the GPS IFD (latitude).
pub fn exif_block(spec: &ExifSpec) -> Vec<u8> {
    struct Ifd(Vec<(u16, u16, u32, [u8; 4])>);
    let short = |v: u16| {
        let b = v.to_le_bytes();
        [b[0], b[1], 0, 0]
    };
    let long = |v: u32| v.to_le_bytes();

    let ifd0_at = 8u32;
    let ifd0_entries = if spec.gps { 4 } else { 3 };
    let ifd0_len = 2 + 12 * ifd0_entries + 4;
    let make_at = ifd0_at + ifd0_len;
    let make = b"dkcloud test camera\0";
    let exif_at = make_at + make.len() as u32;
    let exif_len = 2 + 12 * 2 + 4;
    let gps_at = exif_at + exif_len;
    let gps_len = 2 + 12 * 2 + 4;
    let lat_at = gps_at + gps_len;

    let mut ifd0 = Ifd(vec![
        (0x010F, 2, make.len() as u32, long(make_at)),
        (0x0112, 3, 1, short(spec.orientation)),
        (0x8769, 4, 1, long(exif_at)),
    ]);
    if spec.gps {
        ifd0.0.push((0x8825, 4, 1, long(gps_at)));
    }
    let exif = Ifd(vec![
        (0xA002, 4, 1, long(spec.pixel_size.0)),
        (0xA003, 4, 1, long(spec.pixel_size.1)),
    ]);
    let gps = Ifd(vec![
        (0x0001, 2, 2, *b"N\0\0\0"),
        (0x0002, 5, 3, long(lat_at)),
    ]);

    let write = |out: &mut Vec<u8>, ifd: &Ifd| {
        out.extend_from_slice(&(ifd.0.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in &ifd.0 {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(value);
        }
        out.extend_from_slice(&0u32.to_le_bytes());
    };
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&ifd0_at.to_le_bytes());
    write(&mut out, &ifd0);
    out.extend_from_slice(make);
    write(&mut out, &exif);
    if spec.gps {
        write(&mut out, &gps);
        for v in LATITUDE {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

/// An XMP document around one `rdf:Description` (from `  <rdf:Description` to its
/// closing line): in an `xpacket` wrapper (a main packet), or bare (an extended one).
pub fn xmp_document(description: &str, wrapped: bool) -> String {
    let body = format!(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n{description} </rdf:RDF>\n</x:xmpmeta>\n"
    );
    if wrapped {
        format!("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n{body}<?xpacket end=\"w\"?>")
    } else {
        body
    }
}

pub fn xmp_packet() -> String {
    let description = concat!(
        "  <rdf:Description rdf:about=\"\"\n",
        "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n",
        "    xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\"\n",
        "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n",
        "    exif:GPSLatitude=\"48,51.5N\"\n",
        "    exif:PixelXDimension=\"6000\"\n",
        "    xmp:Rating=\"4\">\n",
        "   <exif:GPSLongitude>2,17.6E</exif:GPSLongitude>\n",
        "   <tiff:Orientation>6</tiff:Orientation>\n",
        "  </rdf:Description>\n",
    );
    xmp_document(description, true)
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Decodes JPEG bytes to RGB.
pub fn decode(jpeg: &[u8]) -> turbojpeg::Image<Vec<u8>> {
    turbojpeg::decompress(jpeg, PixelFormat::RGB).unwrap()
}

/// Mean colour of a `size`-pixel block at a corner.
pub fn corner_colour(image: &turbojpeg::Image<Vec<u8>>, corner: &str, size: usize) -> [u8; 3] {
    let x0 = if corner.ends_with('L') {
        0
    } else {
        image.width - size
    };
    let y0 = if corner.starts_with('T') {
        0
    } else {
        image.height - size
    };
    let mut sum = [0usize; 3];
    for y in y0..y0 + size {
        for x in x0..x0 + size {
            let at = y * image.pitch + x * 3;
            for (c, total) in sum.iter_mut().enumerate() {
                *total += image.pixels[at + c] as usize;
            }
        }
    }
    sum.map(|s| (s / (size * size)) as u8)
}

pub fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (*x as i32 - y as i32).abs() <= 24)
}
