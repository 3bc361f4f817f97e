//! JPEG encoding with libjpeg-turbo and re-attaching the metadata.

use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

use crate::decode::Metadata;
use crate::jpeg_segments::{self, APP1, APP2, EXIF_HEADER, MAX_SEGMENT_PAYLOAD, XMP_HEADER};
use crate::pixels::Pixels;

/// Encodes `pixels` at `quality` with the metadata in front of the image data.
///
/// Chroma is subsampled 4:2:0 below quality 90 and kept whole from 90 up, as libvips
/// and most cameras do; Huffman tables are optimised (smaller files, same pixels).
pub fn jpeg(
    pixels: &Pixels,
    quality: u8,
    metadata: &Metadata,
    notices: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    let fail = |e: turbojpeg::Error| format!("encoding failed: {e}");
    let mut compressor = Compressor::new().map_err(fail)?;
    compressor.set_quality(quality as i32).map_err(fail)?;
    let (format, subsamp) = match (pixels.channels, quality) {
        (1, _) => (PixelFormat::GRAY, Subsamp::Gray),
        (_, 90..) => (PixelFormat::RGB, Subsamp::None),
        _ => (PixelFormat::RGB, Subsamp::Sub2x2),
    };
    compressor.set_subsamp(subsamp).map_err(fail)?;
    compressor.set_optimize(true).map_err(fail)?;
    let image = Image {
        pixels: pixels.data.as_slice(),
        width: pixels.width as usize,
        pitch: pixels.width as usize * pixels.channels as usize,
        height: pixels.height as usize,
        format,
    };
    let encoded = compressor.compress_to_vec(image).map_err(fail)?;

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
        } else {
            notices.push("the XMP data is too large for a JPEG and was left out".into());
        }
    }
    if let Some(icc) = &metadata.icc {
        if icc_fits(icc, pixels.channels) {
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
    Ok(jpeg_segments::insert_segments(&encoded, &segments))
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
