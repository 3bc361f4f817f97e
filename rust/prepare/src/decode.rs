//! Decoding PNG, TIFF and WebP into pixels as stored, plus the metadata to carry over
//! (JPEG goes through `jpeg_pipeline`).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::exif::{self, ExifChanges};
use crate::jpeg_segments;
use crate::pixels::{self, Pixels};
use crate::jpeg_segments::ExtendedXmp;
use crate::{iptc, xmp};
use md5::Digest;

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
    /// The APP13 payload (IPTC-IIM among Photoshop's resources).
    pub iptc: Option<Vec<u8>>,
    pub extended_xmp: Option<ExtendedXmp>,
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
        // A new extended packet takes a new GUID, which the main packet names.
        let mut new_guid = None;
        if strip_location {
            if let Some(payload) = self.iptc.take() {
                self.iptc = iptc::remove_location(&payload);
                if self.iptc.is_none() {
                    notices.push("the IPTC data could not be read and was left out".into());
                }
            }
            if let Some(extended) = self.extended_xmp.take() {
                self.extended_xmp = match String::from_utf8(extended.packet) {
                    Ok(text) => {
                        let stripped = xmp::remove_location(&text);
                        if stripped == text {
                            Some(ExtendedXmp { guid: extended.guid, packet: text.into_bytes() })
                        } else {
                            let guid = format!("{:X}", md5::Md5::digest(stripped.as_bytes()));
                            new_guid = Some((extended.guid, guid.clone()));
                            Some(ExtendedXmp { guid, packet: stripped.into_bytes() })
                        }
                    }
                    Err(_) => {
                        notices.push("the extended XMP data could not be read and was left out".into());
                        None
                    }
                };
            }
        }
        if let Some(packet) = self.xmp.take() {
            self.xmp = match String::from_utf8(packet) {
                Ok(text) => {
                    let mut text = xmp::set_property(&text, "tiff:Orientation", "1");
                    text = xmp::set_property(&text, "exif:PixelXDimension", &width.to_string());
                    text = xmp::set_property(&text, "exif:PixelYDimension", &height.to_string());
                    if strip_location {
                        text = xmp::remove_location(&text);
                    }
                    if let Some((old, new)) = &new_guid {
                        if xmp::property(&text, "xmpNote:HasExtendedXMP") == Some(old.as_str()) {
                            text = xmp::set_property(&text, "xmpNote:HasExtendedXMP", new);
                        } else {
                            // The main packet does not name it in a form we can edit.
                            self.extended_xmp = None;
                        }
                    }
                    Some(text.into_bytes())
                }
                // Location cannot be removed from a packet that is not text.
                Err(_) if strip_location => {
                    notices.push("the XMP data could not be read and was left out".into());
                    None
                }
                Err(e) => Some(e.into_bytes()),
            };
        }
        if self.xmp.is_none() {
            // Extended XMP without the main packet that names it means nothing.
            self.extended_xmp = None;
        }
    }
}

fn reason(e: impl std::fmt::Display) -> String {
    e.to_string().trim().to_string()
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
        metadata: Metadata { exif, xmp, icc, ..Metadata::default() },
        orientation: if (1..=8).contains(&orientation) {
            orientation
        } else {
            1
        },
    })
}
