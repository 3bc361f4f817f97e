//! Decoding inputs into upright-agnostic pixels plus the metadata to carry over.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};
use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};

use crate::exif::{self, ExifChanges};
use crate::jpeg_segments;
use crate::pixels::{self, Pixels};
use crate::xmp;

pub struct Decoded {
    pub pixels: Pixels,
    pub metadata: Metadata,
    /// EXIF orientation of the stored pixels (1 to 8).
    pub orientation: u16,
}

#[derive(Default)]
pub struct Metadata {
    /// TIFF-structured EXIF.
    pub exif: Option<Vec<u8>>,
    pub xmp: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
}

impl Metadata {
    /// Brings the metadata in line with the prepared pixels.
    pub fn adjust(
        &mut self,
        width: u32,
        height: u32,
        oriented: bool,
        strip_location: bool,
        notices: &mut Vec<String>,
    ) {
        if let Some(tiff) = self.exif.as_mut() {
            let changes = ExifChanges {
                width,
                height,
                oriented,
                strip_location,
            };
            if !exif::edit(tiff, &changes) {
                self.exif = None;
                notices.push("the EXIF data could not be read and was left out".into());
            }
        }
        if let Some(packet) = self.xmp.take() {
            self.xmp = Some(match String::from_utf8(packet) {
                Ok(text) => {
                    let mut text = xmp::set_property(&text, "tiff:Orientation", "1");
                    text = xmp::set_property(&text, "exif:PixelXDimension", &width.to_string());
                    text = xmp::set_property(&text, "exif:PixelYDimension", &height.to_string());
                    if strip_location {
                        text = xmp::remove_properties(&text, "exif:GPS");
                    }
                    text.into_bytes()
                }
                Err(e) => e.into_bytes(),
            });
        }
    }
}

fn reason(e: impl std::fmt::Display) -> String {
    let text = e.to_string();
    text.strip_prefix("TurboJPEG error: ")
        .unwrap_or(&text)
        .trim()
        .to_string()
}

/// The smallest DCT scaling (1/8, 1/4, 1/2) that still leaves at least `target` pixels
/// on the longest side, so the resampler always has something to do.
fn dct_scale(width: usize, height: usize, target: Option<u32>) -> ScalingFactor {
    let Some(target) = target else {
        return ScalingFactor::ONE;
    };
    let longest = width.max(height);
    for denom in [8, 4, 2] {
        if longest.div_ceil(denom) >= target as usize {
            return ScalingFactor::new(1, denom);
        }
    }
    ScalingFactor::ONE
}

/// Decodes a JPEG, shrinking in the DCT domain as far as `target` allows.
pub fn jpeg(
    data: &[u8],
    target: Option<u32>,
    notices: &mut Vec<String>,
) -> Result<Decoded, String> {
    let found = jpeg_segments::read_header_metadata(data);
    let mut decompressor = Decompressor::new().map_err(reason)?;
    let header = decompressor.read_header(data).map_err(reason)?;
    let scale = dct_scale(header.width, header.height, target);
    decompressor.set_scaling_factor(scale).map_err(reason)?;
    let scaled = header.scaled(scale);

    let (format, channels) = match header.colorspace {
        Colorspace::CMYK | Colorspace::YCCK => (PixelFormat::CMYK, 4),
        Colorspace::Gray => (PixelFormat::GRAY, 1),
        _ => (PixelFormat::RGB, 3),
    };
    let mut buffer = vec![0u8; scaled.width * scaled.height * channels];
    let image = Image {
        pixels: buffer.as_mut_slice(),
        width: scaled.width,
        pitch: scaled.width * channels,
        height: scaled.height,
        format,
    };
    decompressor.decompress(data, image).map_err(reason)?;

    let (data, channels) = if channels == 4 {
        notices.push("CMYK photo converted to RGB without colour management".into());
        (pixels::cmyk_to_rgb(&buffer, found.adobe), 3)
    } else {
        (buffer, channels as u8)
    };
    let orientation = found.exif.as_deref().map_or(1, exif::orientation);
    Ok(Decoded {
        pixels: Pixels {
            width: scaled.width as u32,
            height: scaled.height as u32,
            channels,
            data,
        },
        metadata: Metadata {
            exif: found.exif,
            xmp: found.xmp,
            icc: found.icc,
        },
        orientation,
    })
}

/// Decodes PNG, TIFF or WebP with the `image` crate; alpha is flattened on white.
pub fn other(data: &[u8], notices: &mut Vec<String>) -> Result<Decoded, String> {
    let reader = ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(reason)?;
    let mut decoder = reader.into_decoder().map_err(reason)?;
    let icc = decoder.icc_profile().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten().map(|mut e| {
        if e.starts_with(jpeg_segments::EXIF_HEADER) {
            e.drain(..jpeg_segments::EXIF_HEADER.len());
        }
        e
    });
    let xmp = decoder.xmp_metadata().ok().flatten();
    let orientation = decoder
        .orientation()
        .map(|o| o.to_exif() as u16)
        .unwrap_or(1);
    let image = DynamicImage::from_decoder(decoder).map_err(reason)?;

    let (width, height) = (image.width(), image.height());
    let (channels, data) = match &image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageLuma16(_) => {
            (1, image.to_luma8().into_raw())
        }
        DynamicImage::ImageLumaA8(_) | DynamicImage::ImageLumaA16(_) => (
            1,
            pixels::flatten_gray_on_white(&image.to_luma_alpha8().into_raw()),
        ),
        img if img.color().has_alpha() => {
            (3, pixels::flatten_on_white(&image.to_rgba8().into_raw()))
        }
        _ => (3, image.to_rgb8().into_raw()),
    };
    if image.color().has_alpha() {
        notices.push("transparency flattened on white".into());
    }
    Ok(Decoded {
        pixels: Pixels {
            width,
            height,
            channels,
            data,
        },
        metadata: Metadata { exif, xmp, icc },
        orientation: if (1..=8).contains(&orientation) {
            orientation
        } else {
            1
        },
    })
}
