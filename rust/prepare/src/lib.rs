//! Photo preparation before upload: shrink, re-encode as JPEG, keep the metadata.
//!
//! JPEG inputs are shrunk in the DCT domain while they are decoded (libjpeg-turbo
//! scaling by the smallest number of eighths that still covers the target size); on a
//! second thread, the rows already decoded are finished with a SIMD Catmull-Rom
//! resampler and encoded with libjpeg-turbo's SIMD encoder, so both cores work on one
//! photo. PNG, TIFF and WebP go through the `image` crate.
//! EXIF, XMP (with extended XMP), ICC and IPTC are carried over; orientation is applied
//! to the pixels.
//!
//! Entry points: [`prepare_file`] for one file, [`prepare_stream`] for a bounded,
//! parallel batch that an async uploader consumes while later files are prepared.

mod batch;
mod decode;
mod encode;
mod error;
mod exif;
mod iptc;
mod jpeg_pipeline;
mod jpeg_segments;
mod libjpeg;
mod pixels;
mod sniff;
mod turned;
mod xmp;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use batch::{prepare_stream, BatchItem};
pub use error::PrepareError;
pub use sniff::InputKind;

/// How files are prepared. The same names are used by the engine, the CLI and the plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareOptions {
    /// Longest side in pixels; images are never enlarged. `None` keeps the size.
    pub resize: Option<u32>,
    /// JPEG quality, 1 to 100.
    pub quality: u8,
    /// Upload the file untouched, bit for bit.
    pub original: bool,
    /// Remove every location field: EXIF GPS, XMP (main and extended) GPS and
    /// place names, IPTC-IIM place datasets.
    pub strip_location: bool,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            resize: None,
            quality: 90,
            original: false,
            strip_location: false,
        }
    }
}

/// Where prepared bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Keep converted bytes in memory; untouched files stay where they are.
    Memory,
    /// Write every result (converted or copied untouched) into this folder.
    Directory(PathBuf),
}

/// What to upload for one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// The source file itself, untouched (original requested, video, RAW...).
    Source(PathBuf),
    /// Converted JPEG bytes, held in memory.
    Bytes(Vec<u8>),
    /// A file written into the destination folder.
    Written(PathBuf),
}

/// The result of preparing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub source: PathBuf,
    pub payload: Payload,
    /// File name to use remotely: the source name, or its stem with `.jpg` once converted.
    pub remote_name: String,
    /// True when the bytes were re-encoded (and so differ from the source).
    pub converted: bool,
    /// Pixel size of the converted image, as displayed (after orientation).
    pub dimensions: Option<(u32, u32)>,
    /// What the user should know about this file, in plain words.
    pub notices: Vec<String>,
}

/// Outcome of converting bytes in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub notices: Vec<String>,
}

/// Prepares one file according to `options`, leaving the result in `destination`.
///
/// Errors are per file: a corrupt image fails here and the caller goes on with the rest.
pub fn prepare_file(
    path: &Path,
    options: &PrepareOptions,
    destination: &Destination,
) -> Result<Prepared, PrepareError> {
    validate(options)?;
    let file_name = file_name_of(path);
    let io_err = |source| PrepareError::Io {
        path: path.to_path_buf(),
        source,
    };

    let kind = if options.original {
        InputKind::NotImage
    } else {
        let mut head = Vec::with_capacity(64);
        fs::File::open(path)
            .and_then(|f| f.take(64).read_to_end(&mut head))
            .map_err(io_err)?;
        sniff::classify(&head, &file_name)
    };

    let mut notices = Vec::new();
    match kind {
        InputKind::NotImage | InputKind::Undecodable(_) => {
            if let InputKind::Undecodable(what) = &kind {
                notices.push(format!(
                    "{what} cannot be decoded: uploaded as the original file"
                ));
            }
            let payload = match destination {
                Destination::Memory => Payload::Source(path.to_path_buf()),
                Destination::Directory(dir) => {
                    let target = dir.join(&file_name);
                    fs::copy(path, &target).map_err(io_err)?;
                    Payload::Written(target)
                }
            };
            Ok(Prepared {
                source: path.to_path_buf(),
                payload,
                remote_name: file_name,
                converted: false,
                dimensions: None,
                notices,
            })
        }
        InputKind::Mislabelled(expected) => Err(PrepareError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("the name says {expected} but the content is not an image"),
        }),
        InputKind::Jpeg | InputKind::Png | InputKind::Tiff | InputKind::Webp => {
            let data = fs::read(path).map_err(io_err)?;
            let converted =
                convert(&data, kind, options).map_err(|reason| PrepareError::Corrupt {
                    path: path.to_path_buf(),
                    reason,
                })?;
            let remote_name = converted_name(&file_name, kind);
            let payload = match destination {
                Destination::Memory => Payload::Bytes(converted.jpeg),
                Destination::Directory(dir) => {
                    let target = dir.join(&remote_name);
                    fs::write(&target, &converted.jpeg).map_err(|source| PrepareError::Io {
                        path: target.clone(),
                        source,
                    })?;
                    Payload::Written(target)
                }
            };
            notices.extend(converted.notices);
            Ok(Prepared {
                source: path.to_path_buf(),
                payload,
                remote_name,
                converted: true,
                dimensions: Some((converted.width, converted.height)),
                notices,
            })
        }
    }
}

/// The remote name [`prepare_file`] will give `path`, found from the file's
/// first bytes without decoding it, so an uploader can plan names (and look for
/// conflicts) before the work is done.
pub fn planned_name(path: &Path, options: &PrepareOptions) -> std::io::Result<String> {
    let file_name = file_name_of(path);
    if options.original {
        return Ok(file_name);
    }
    let mut head = Vec::with_capacity(64);
    fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    Ok(match sniff::classify(&head, &file_name) {
        kind @ (InputKind::Jpeg | InputKind::Png | InputKind::Tiff | InputKind::Webp) => {
            converted_name(&file_name, kind)
        }
        _ => file_name,
    })
}

/// Converts an image held in memory to a JPEG following `options` (`original` is ignored).
/// The error is a reason in plain words, for a per-file message.
pub fn convert(
    data: &[u8],
    kind: InputKind,
    options: &PrepareOptions,
) -> Result<Converted, String> {
    let mut notices = Vec::new();
    let decoded = match kind {
        InputKind::Jpeg => return jpeg_pipeline::convert(data, options),
        InputKind::Png | InputKind::Tiff | InputKind::Webp => decode::other(data, &mut notices)?,
        _ => return Err("not a decodable image".into()),
    };
    let decode::Decoded {
        pixels,
        mut metadata,
        orientation,
    } = decoded;

    let pixels = match options.resize {
        Some(max) => pixels::fit_within(pixels, max),
        None => pixels,
    };
    let pixels = pixels::apply_orientation(pixels, orientation);

    metadata.adjust(
        pixels.width,
        pixels.height,
        orientation != 1,
        options.strip_location,
        &mut notices,
    );
    let jpeg = encode::jpeg(&pixels, options.quality, &metadata, &mut notices)?;
    Ok(Converted {
        jpeg,
        width: pixels.width,
        height: pixels.height,
        notices,
    })
}

fn validate(options: &PrepareOptions) -> Result<(), PrepareError> {
    if !(1..=100).contains(&options.quality) {
        return Err(PrepareError::InvalidOptions(format!(
            "quality must be between 1 and 100, not {}",
            options.quality
        )));
    }
    if options.resize == Some(0) {
        return Err(PrepareError::InvalidOptions(
            "resize must be at least 1 pixel".into(),
        ));
    }
    Ok(())
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "photo".into())
}

/// A JPEG keeps its own name (its extension already tells the truth); anything else
/// that was converted takes the `.jpg` extension.
fn converted_name(file_name: &str, kind: InputKind) -> String {
    let path = Path::new(file_name);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if kind == InputKind::Jpeg && matches!(ext.as_deref(), Some("jpg" | "jpeg" | "jpe")) {
        return file_name.to_string();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{stem}.jpg")
}
