//! JPEG encoding with libjpeg-turbo and re-attaching the metadata.

use crate::decode::Metadata;
use crate::jpeg_segments::{self, APP1, APP13, APP2, EXIF_HEADER, MAX_SEGMENT_PAYLOAD, XMP_HEADER};
use crate::libjpeg::{Writer, WriterSettings};
use crate::pixels::Pixels;

/// Encodes `pixels` at `quality` with the metadata in front of the image data.
pub fn jpeg(
    pixels: &Pixels,
    quality: u8,
    metadata: &Metadata,
    notices: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    let encoded = self::pixels(pixels, quality)?;
    Ok(with_metadata(&encoded, metadata, pixels.channels, notices))
}

/// Encodes `pixels` at `quality`, without metadata.
pub fn pixels(pixels: &Pixels, quality: u8) -> Result<Vec<u8>, String> {
    let settings = settings(
        pixels.width as usize,
        pixels.height as usize,
        pixels.channels as usize,
        quality,
    );
    let mut writer = Writer::new(settings).map_err(failed)?;
    writer.write(&pixels.data).map_err(failed)?;
    writer.finish().map_err(failed)
}

/// How an image of this size is encoded at `quality`.
///
/// Chroma is subsampled 4:2:0 below quality 90 and kept whole from 90 up, as libvips
/// and most cameras do; Huffman tables are optimised (smaller files, same pixels).
pub fn settings(width: usize, height: usize, channels: usize, quality: u8) -> WriterSettings {
    WriterSettings {
        width,
        height,
        components: channels,
        quality,
        luma_per_chroma: if channels == 3 && quality < 90 {
            (2, 2)
        } else {
            (1, 1)
        },
        optimize: true,
    }
}

pub fn failed(reason: String) -> String {
    format!("encoding failed: {reason}")
}

/// Puts EXIF, XMP (and its extension), the ICC profile and IPTC in front of the image data of `encoded`.
pub fn with_metadata(
    encoded: &[u8],
    metadata: &Metadata,
    channels: u8,
    notices: &mut Vec<String>,
) -> Vec<u8> {
    let mut segments = Vec::new();
    if let Some(exif) = &metadata.exif {
        if EXIF_HEADER.len() + exif.len() <= MAX_SEGMENT_PAYLOAD {
            segments.push((APP1, [EXIF_HEADER, exif.as_slice()].concat()));
        } else {
            notices.push("the EXIF data is too large for a JPEG and was left out".into());
        }
    }
    if let Some(xmp) = &metadata.xmp {
        if XMP_HEADER.len() + xmp.len() <= MAX_SEGMENT_PAYLOAD {
            segments.push((APP1, [XMP_HEADER, xmp.as_slice()].concat()));
            if let Some(extended) = &metadata.extended_xmp {
                segments.extend(jpeg_segments::extended_xmp_segments(extended).into_iter().map(|p| (APP1, p)));
            }
        } else {
            notices.push("the XMP data is too large for a JPEG and was left out".into());
        }
    }
    if let Some(icc) = &metadata.icc {
        if icc_fits(icc, channels) {
            segments.extend(
                jpeg_segments::icc_segments(icc)
                    .into_iter()
                    .map(|p| (APP2, p)),
            );
        } else {
            notices.push(
                "the colour profile does not describe the converted pixels and was left out".into(),
            );
        }
    }
    if let Some(iptc) = &metadata.iptc {
        if iptc.len() <= MAX_SEGMENT_PAYLOAD {
            segments.push((APP13, iptc.clone()));
        } else {
            notices.push("the IPTC data is too large for a JPEG and was left out".into());
        }
    }
    jpeg_segments::insert_segments(encoded, &segments)
}

/// An ICC profile's data colour space (header bytes 16..20) must match the output:
/// a CMYK profile on RGB pixels would wreck the colours.
fn icc_fits(icc: &[u8], channels: u8) -> bool {
    match icc.get(16..20) {
        Some(b"RGB ") => channels == 3,
        Some(b"GRAY") => channels == 1,
        _ => false,
    }
}
