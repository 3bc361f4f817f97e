//! JPEG to JPEG in two overlapping stages: the calling thread decodes rows, shrunk in
//! the DCT domain, while a second thread resizes and encodes the rows already decoded.
//!
//! libjpeg-turbo's entropy decoding is sequential and the slowest step by far, so the
//! resize and the encode hide behind it on the other core; what is left after the
//! last row is one band of resizing and the encoder's final pass.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use crate::decode::Metadata;
use crate::encode;
use crate::exif;
use crate::jpeg_segments;
use crate::libjpeg::{ColorSpace, Output, Reader, Writer};
use crate::pixels::{self, BandResizer};
use crate::turned::TurnedEncoder;
use crate::{Converted, PrepareOptions};

/// Rows per message from the decoder: small, so little is left to do once the last
/// row is decoded.
const STRIP: usize = 16;

/// Output rows per band of the resizer (a multiple of the 16-row MCU of 4:2:0 output):
/// large enough that the resizer's per-call set-up stays small.
const BAND: u32 = 64;

/// Decoded strips on their way to the resizer (bounded: a slow consumer holds the
/// decoder back instead of letting strips pile up).
const STRIPS_IN_FLIGHT: usize = 8;

/// Converts a JPEG: shrinks to fit `options.resize`, turns it upright, re-encodes
/// it and carries its metadata over.
pub fn convert(data: &[u8], options: &PrepareOptions) -> Result<Converted, String> {
    let mut notices = Vec::new();
    let found = jpeg_segments::read_header_metadata(data);
    let orientation = found.exif.as_deref().map_or(1, exif::orientation);
    let (mut reader, header) = Reader::new(data)?;
    let (decode_as, cmyk) = match header.color {
        ColorSpace::Gray => (ColorSpace::Gray, false),
        ColorSpace::Cmyk | ColorSpace::Ycck => {
            notices.push("CMYK photo converted to RGB without colour management".into());
            (ColorSpace::Cmyk, true)
        }
        ColorSpace::Rgb | ColorSpace::YCbCr => (ColorSpace::Rgb, false),
    };
    let (width, height) = (dimension(header.width)?, dimension(header.height)?);
    let stored = match options.resize {
        Some(max) => pixels::fitted_size(width, height, max),
        None => (width, height),
    };
    let decoded = reader.start(dct_eighths((width, height), stored), decode_as)?;
    let channels: u8 = if decode_as == ColorSpace::Gray { 1 } else { 3 };

    let displayed = pixels::displayed_size(orientation, stored);
    let mut metadata = Metadata {
        exif: found.exif,
        xmp: found.xmp,
        icc: found.icc,
        iptc: found.iptc,
        extended_xmp: found.extended_xmp,
    };
    metadata.adjust(
        displayed.0,
        displayed.1,
        orientation != 1,
        options.strip_location,
        &mut notices,
    );

    let finish = Finish {
        src: (dimension(decoded.width)?, dimension(decoded.height)?),
        dst: stored,
        channels,
        orientation,
        quality: options.quality,
    };
    let encoded = std::thread::scope(|scope| {
        let (strips, received) = mpsc::sync_channel(STRIPS_IN_FLIGHT);
        let (spares, spare) = mpsc::channel();
        let finisher = std::thread::Builder::new()
            .name("dkcloud-prepare-finish".into())
            .spawn_scoped(scope, move || finish.run(received, spares))
            .map_err(|e| format!("cannot start a preparation thread: {e}"))?;
        let decoding = decode_rows(reader, decoded, cmyk.then_some(found.adobe), strips, spare);
        let finishing = finisher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A decoding error also starves the finisher: the decoder's reason is the one to tell.
        decoding.and(finishing)
    })?;
    Ok(Converted {
        jpeg: encode::with_metadata(&encoded, &metadata, channels, &mut notices),
        width: displayed.0,
        height: displayed.1,
        notices,
    })
}

fn dimension(value: usize) -> Result<u32, String> {
    u32::try_from(value).map_err(|_| "the image is too large".to_string())
}

/// The smallest DCT scaling (1/8, 1/4, 1/2 or none), in eighths, whose decoded size
/// still covers `target`, so decoding does as little work as it can and the resampler
/// only finishes. libjpeg-turbo also scales by 3/8, 5/8... but only the power-of-two
/// factors have SIMD inverse DCTs: measured on a 6000x4000 photo to 2048 px, 3/8
/// costs the decoding thread (the critical path) about 9 ms more than 1/2.
fn dct_eighths(size: (u32, u32), target: (u32, u32)) -> u32 {
    let scaled = |side: u32, eighths: u32| (side as u64 * eighths as u64).div_ceil(8);
    [1, 2, 4]
        .into_iter()
        .find(|&e| scaled(size.0, e) >= target.0 as u64 && scaled(size.1, e) >= target.1 as u64)
        .unwrap_or(8)
}

/// Decodes every row and sends them on in strips of [`BAND`] rows. CMYK rows become
/// RGB on the way (`adobe` tells whether the samples are stored inverted).
fn decode_rows(
    mut reader: Reader,
    output: Output,
    adobe: Option<bool>,
    strips: SyncSender<Vec<u8>>,
    spare: Receiver<Vec<u8>>,
) -> Result<(), String> {
    let pitch = output.width * output.components;
    let mut left = output.height;
    let mut cmyk = Vec::new();
    while left > 0 {
        let rows = left.min(STRIP);
        let mut strip = spare.try_recv().unwrap_or_default();
        let target = if adobe.is_some() {
            &mut cmyk
        } else {
            &mut strip
        };
        target.resize(rows * pitch, 0);
        let got = reader.read(target)?;
        if got == 0 {
            return Err("the image data ends early".into());
        }
        target.truncate(got * pitch);
        if let Some(inverted) = adobe {
            strip.clear();
            pixels::cmyk_to_rgb_into(&cmyk, inverted, &mut strip);
        }
        left -= got;
        if strips.send(strip).is_err() {
            // The finisher stopped; its error says why.
            return Ok(());
        }
    }
    drop(strips);
    reader.finish()
}

/// The second stage: resize bands as their rows arrive, then encode them.
struct Finish {
    /// Size of the decoded (DCT-scaled) rows.
    src: (u32, u32),
    /// Size to resize to, before orientation.
    dst: (u32, u32),
    channels: u8,
    orientation: u16,
    quality: u8,
}

impl Finish {
    /// Returns the encoded image without metadata.
    fn run(self, strips: Receiver<Vec<u8>>, spares: Sender<Vec<u8>>) -> Result<Vec<u8>, String> {
        let channels = self.channels as usize;
        let pitch_in = self.src.0 as usize * channels;
        let pitch_out = self.dst.0 as usize * channels;
        let mut resizer = BandResizer::new(self.src, self.dst, self.channels);
        // Upright images are encoded band by band; turned ones block by block, as soon
        // as the rows each block is turned from are resized (crate::turned).
        let mut encoder = if (2..=8).contains(&self.orientation) {
            Encoder::Turned(Box::new(TurnedEncoder::new(self.dst, self.channels, self.orientation, self.quality)?))
        } else {
            let settings = encode::settings(self.dst.0 as usize, self.dst.1 as usize, channels, self.quality);
            Encoder::Rows(Writer::new(settings).map_err(encode::failed)?)
        };
        // The resized rows: one band for the row encoder, the whole image for a turned one.
        let kept = match encoder {
            Encoder::Rows(_) => BAND,
            Encoder::Turned(_) => self.dst.1,
        };
        let mut resized = vec![0u8; kept as usize * pitch_out];

        // The decoded rows still needed, from source row `first` on: a window a few
        // bands tall that slides down the image, so it stays in cache.
        let mut window = Vec::new();
        let mut first = 0;
        let mut made = 0;
        for strip in strips {
            window.extend_from_slice(&strip);
            let _ = spares.send(strip);
            let rows_in = first + (window.len() / pitch_in) as u32;
            while made < self.dst.1 {
                let end = (made + BAND).min(self.dst.1);
                if resizer.rows_needed(end) > rows_in {
                    break;
                }
                match &mut encoder {
                    Encoder::Rows(writer) => {
                        let band = &mut resized[..(end - made) as usize * pitch_out];
                        resizer.band(&window, first, made, end, band);
                        writer.write(band).map_err(encode::failed)?;
                    }
                    Encoder::Turned(turned) => {
                        let band = &mut resized[made as usize * pitch_out..end as usize * pitch_out];
                        resizer.band(&window, first, made, end, band);
                        turned.rows_ready(&resized, end);
                    }
                }
                made = end;
            }
            let unused = resizer
                .first_row_used(made.min(self.dst.1 - 1))
                .saturating_sub(first);
            window.drain(..unused as usize * pitch_in);
            first += unused;
        }
        if made < self.dst.1 {
            return Err("the image data ends early".into());
        }

        match encoder {
            Encoder::Rows(writer) => writer.finish().map_err(encode::failed),
            Encoder::Turned(turned) => turned.finish(),
        }
    }
}

/// The finisher's encoder: rows from top to bottom, or blocks of a turned image.
enum Encoder {
    Rows(Writer),
    Turned(Box<TurnedEncoder>),
}

#[cfg(test)]
mod tests {
    use super::dct_eighths;

    #[test]
    fn dct_scaling_is_the_smallest_that_covers_the_target() {
        assert_eq!(dct_eighths((6000, 4000), (2048, 1365)), 4);
        assert_eq!(dct_eighths((6000, 4000), (3000, 2000)), 4);
        assert_eq!(dct_eighths((6000, 4000), (3001, 2001)), 8);
        assert_eq!(dct_eighths((6000, 4000), (1500, 1000)), 2);
        assert_eq!(dct_eighths((1200, 800), (500, 333)), 4);
        assert_eq!(dct_eighths((1200, 800), (1200, 800)), 8);
        assert_eq!(dct_eighths((8000, 100), (80, 1)), 1);
    }
}
