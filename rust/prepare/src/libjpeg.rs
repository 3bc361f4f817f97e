//! Safe handles on libjpeg-turbo's row-by-row decoder and encoder (`csrc/jpeg_rows.c`).
//!
//! Errors come back as libjpeg's own message; damaged data (a libjpeg warning) is an error.

use std::ffi::{c_char, c_int, c_long, c_uchar, c_ulong, CStr};
use std::ptr::NonNull;

// Links libjpeg-turbo (static, built by turbojpeg-sys), whose libjpeg API the glue calls.
use turbojpeg_sys as _;

#[repr(C)]
struct RawReader {
    _opaque: [u8; 0],
}

#[repr(C)]
struct RawWriter {
    _opaque: [u8; 0],
}

extern "C" {
    fn dk_reader_new() -> *mut RawReader;
    fn dk_reader_message(r: *const RawReader) -> *const c_char;
    fn dk_reader_header(
        r: *mut RawReader,
        data: *const c_uchar,
        size: c_ulong,
        width: *mut c_int,
        height: *mut c_int,
        color: *mut c_int,
    ) -> c_int;
    fn dk_reader_start(
        r: *mut RawReader,
        eighths: c_int,
        out_color: c_int,
        width: *mut c_int,
        height: *mut c_int,
        components: *mut c_int,
    ) -> c_int;
    fn dk_reader_read(
        r: *mut RawReader,
        dst: *mut c_uchar,
        pitch: c_ulong,
        max_rows: c_int,
    ) -> c_int;
    fn dk_reader_finish(r: *mut RawReader) -> c_int;
    fn dk_reader_free(r: *mut RawReader);

    fn dk_writer_new() -> *mut RawWriter;
    fn dk_writer_message(w: *const RawWriter) -> *const c_char;
    #[allow(clippy::too_many_arguments)]
    fn dk_writer_start(
        w: *mut RawWriter,
        width: c_int,
        height: c_int,
        in_color: c_int,
        components: c_int,
        quality: c_int,
        luma_h: c_int,
        luma_v: c_int,
        optimize: c_int,
        blocks: c_int,
    ) -> c_int;
    fn dk_writer_write(
        w: *mut RawWriter,
        src: *const c_uchar,
        pitch: c_ulong,
        count: c_int,
    ) -> c_int;
    fn dk_writer_finish(w: *mut RawWriter, out: *mut *const c_uchar, size: *mut c_ulong) -> c_int;
    fn dk_writer_blocks(
        w: *mut RawWriter,
        component: c_int,
        across: *mut c_int,
        down: *mut c_int,
        quant: *mut u16,
    ) -> *mut *mut Block;
    fn dk_writer_finish_blocks(
        w: *mut RawWriter,
        dc: *mut c_long,
        ac: *mut c_long,
        out: *mut *const c_uchar,
        size: *mut c_ulong,
    ) -> c_int;
    fn dk_writer_free(w: *mut RawWriter);
}

/// libjpeg's `J_COLOR_SPACE` values that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorSpace {
    Gray = 1,
    Rgb = 2,
    YCbCr = 3,
    Cmyk = 4,
    Ycck = 5,
}

impl ColorSpace {
    fn from_raw(value: c_int) -> Option<Self> {
        Some(match value {
            1 => ColorSpace::Gray,
            2 => ColorSpace::Rgb,
            3 => ColorSpace::YCbCr,
            4 => ColorSpace::Cmyk,
            5 => ColorSpace::Ycck,
            _ => return None,
        })
    }
}

fn message(text: *const c_char, fallback: &str) -> String {
    // SAFETY: the handles keep a NUL-terminated message buffer for their whole life.
    let text = unsafe { CStr::from_ptr(text) }.to_string_lossy();
    let text = text.trim();
    if text.is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

fn dimension(value: usize) -> Result<c_int, String> {
    c_int::try_from(value).map_err(|_| "the image is too large".to_string())
}

/// The stored size and colour space of a JPEG.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub width: usize,
    pub height: usize,
    pub color: ColorSpace,
}

/// The rows a started decoder will produce.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub width: usize,
    pub height: usize,
    pub components: usize,
}

/// A decoder over JPEG bytes borrowed for its lifetime.
pub struct Reader<'a> {
    raw: NonNull<RawReader>,
    _data: std::marker::PhantomData<&'a [u8]>,
    output: Option<Output>,
}

// SAFETY: the libjpeg state is used from one thread at a time (`&mut self`).
unsafe impl Send for Reader<'_> {}

impl<'a> Reader<'a> {
    /// Reads the header of `data`.
    pub fn new(data: &'a [u8]) -> Result<(Self, Header), String> {
        let raw = NonNull::new(unsafe { dk_reader_new() })
            .ok_or_else(|| "out of memory for the JPEG decoder".to_string())?;
        let reader = Reader {
            raw,
            _data: std::marker::PhantomData,
            output: None,
        };
        let size =
            c_ulong::try_from(data.len()).map_err(|_| "the file is too large".to_string())?;
        let (mut width, mut height, mut color) = (0, 0, 0);
        // SAFETY: `data` outlives the reader (lifetime 'a); the out-pointers are locals.
        let status = unsafe {
            dk_reader_header(
                raw.as_ptr(),
                data.as_ptr(),
                size,
                &mut width,
                &mut height,
                &mut color,
            )
        };
        if status != 0 {
            return Err(reader.error("the JPEG header cannot be read"));
        }
        let color = ColorSpace::from_raw(color)
            .ok_or_else(|| "the JPEG colour space is not supported".to_string())?;
        let header = Header {
            width: width as usize,
            height: height as usize,
            color,
        };
        Ok((reader, header))
    }

    fn error(&self, fallback: &str) -> String {
        message(unsafe { dk_reader_message(self.raw.as_ptr()) }, fallback)
    }

    /// Starts decoding at `eighths`/8 of the stored size (1 to 8) into `color`.
    pub fn start(&mut self, eighths: u32, color: ColorSpace) -> Result<Output, String> {
        let (mut width, mut height, mut components) = (0, 0, 0);
        // SAFETY: the header was read; the out-pointers are locals.
        let status = unsafe {
            dk_reader_start(
                self.raw.as_ptr(),
                eighths as c_int,
                color as c_int,
                &mut width,
                &mut height,
                &mut components,
            )
        };
        if status != 0 {
            return Err(self.error("the JPEG cannot be decoded"));
        }
        let output = Output {
            width: width as usize,
            height: height as usize,
            components: components as usize,
        };
        self.output = Some(output);
        Ok(output)
    }

    /// Decodes the next rows into `dst` (whole rows, tightly packed) and returns how
    /// many; 0 means the image is complete.
    pub fn read(&mut self, dst: &mut [u8]) -> Result<usize, String> {
        let output = self.output.expect("start() before read()");
        let pitch = output.width * output.components;
        let rows = dimension(dst.len() / pitch)?;
        // SAFETY: `dst` holds `rows` rows of `pitch` bytes.
        let got =
            unsafe { dk_reader_read(self.raw.as_ptr(), dst.as_mut_ptr(), pitch as c_ulong, rows) };
        if got < 0 {
            return Err(self.error("the JPEG data is damaged"));
        }
        Ok(got as usize)
    }

    /// Reads to the end of the image, so a damaged end is reported.
    pub fn finish(self) -> Result<(), String> {
        // SAFETY: the raw handle is valid until drop.
        if unsafe { dk_reader_finish(self.raw.as_ptr()) } != 0 {
            return Err(self.error("the end of the JPEG is damaged"));
        }
        Ok(())
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        // SAFETY: created by dk_reader_new, freed once.
        unsafe { dk_reader_free(self.raw.as_ptr()) }
    }
}

/// How a [`Writer`] encodes.
#[derive(Debug, Clone, Copy)]
pub struct WriterSettings {
    pub width: usize,
    pub height: usize,
    /// Gray (1 component) or RGB (3).
    pub components: usize,
    pub quality: u8,
    /// Chroma subsampling as luma samples per chroma sample, across and down (1 or 2).
    pub luma_per_chroma: (u8, u8),
    /// Optimised Huffman tables: smaller files, a second pass over the coefficients.
    pub optimize: bool,
}

/// A baseline JPEG encoder fed rows from top to bottom.
pub struct Writer {
    raw: NonNull<RawWriter>,
    pitch: usize,
}

// SAFETY: the libjpeg state is used from one thread at a time (`&mut self`).
unsafe impl Send for Writer {}

impl Writer {
    /// A started encoder: fed rows, or (`blocks`) given coefficients.
    fn start(settings: &WriterSettings, blocks: bool) -> Result<Self, String> {
        let raw = NonNull::new(unsafe { dk_writer_new() })
            .ok_or_else(|| "out of memory for the JPEG encoder".to_string())?;
        let writer = Writer {
            raw,
            pitch: settings.width * settings.components,
        };
        let color = if settings.components == 1 {
            ColorSpace::Gray
        } else {
            ColorSpace::Rgb
        };
        // SAFETY: plain values.
        let status = unsafe {
            dk_writer_start(
                raw.as_ptr(),
                dimension(settings.width)?,
                dimension(settings.height)?,
                color as c_int,
                settings.components as c_int,
                settings.quality as c_int,
                settings.luma_per_chroma.0 as c_int,
                settings.luma_per_chroma.1 as c_int,
                settings.optimize as c_int,
                blocks as c_int,
            )
        };
        if status != 0 {
            return Err(writer.error("the JPEG encoder cannot start"));
        }
        Ok(writer)
    }

    pub fn new(settings: WriterSettings) -> Result<Self, String> {
        Self::start(&settings, false)
    }

    fn error(&self, fallback: &str) -> String {
        message(unsafe { dk_writer_message(self.raw.as_ptr()) }, fallback)
    }

    /// Encodes the next whole rows, tightly packed in `rows`.
    pub fn write(&mut self, rows: &[u8]) -> Result<(), String> {
        let count = dimension(rows.len() / self.pitch)?;
        // SAFETY: `rows` holds `count` rows of `pitch` bytes.
        let status = unsafe {
            dk_writer_write(
                self.raw.as_ptr(),
                rows.as_ptr(),
                self.pitch as c_ulong,
                count,
            )
        };
        if status != 0 {
            return Err(self.error("the JPEG encoder failed"));
        }
        Ok(())
    }

    /// Completes the file once every row was written.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let mut out = std::ptr::null();
        let mut size: c_ulong = 0;
        // SAFETY: the buffer stays valid until dk_writer_free (in drop, after the copy).
        let status = unsafe { dk_writer_finish(self.raw.as_ptr(), &mut out, &mut size) };
        if status != 0 || out.is_null() {
            return Err(self.error("the JPEG encoder failed"));
        }
        Ok(unsafe { std::slice::from_raw_parts(out, size as usize) }.to_vec())
    }
}

/// The quantised DCT coefficients of one 8x8 block, in natural (row-major) order.
pub type Block = [i16; 64];

/// How often each Huffman symbol occurs, per table (0: luma, 1: chroma), as
/// libjpeg's table maker takes them (257 entries: the last one is its own).
pub struct SymbolCounts {
    pub dc: [[c_long; 257]; 2],
    pub ac: [[c_long; 257]; 2],
}

/// One component's blocks in a [`BlockWriter`].
struct Plane {
    rows: *mut *mut Block,
    across: usize,
    down: usize,
    quant: [u16; 64],
}

/// A baseline JPEG encoder given quantised DCT coefficients instead of rows: the
/// caller transforms the blocks in any order, libjpeg entropy-codes them at the end
/// (with the same headers, tables and sampling a [`Writer`] would use).
pub struct BlockWriter {
    writer: Writer,
    planes: Vec<Plane>,
}

// SAFETY: the libjpeg state and the block arrays it owns are used from one thread at
// a time (`&mut self`).
unsafe impl Send for BlockWriter {}

impl BlockWriter {
    pub fn new(settings: WriterSettings) -> Result<Self, String> {
        let writer = Writer::start(&settings, true)?;
        let raw = writer.raw.as_ptr();
        let mut planes = Vec::with_capacity(settings.components);
        for component in 0..settings.components {
            let (mut across, mut down) = (0, 0);
            let mut quant = [0u16; 64];
            // SAFETY: the component exists (gray 1, YCbCr 3); the out-pointers are locals.
            let rows = unsafe {
                dk_writer_blocks(raw, component as c_int, &mut across, &mut down, quant.as_mut_ptr())
            };
            if rows.is_null() {
                return Err(writer.error("out of memory for the JPEG encoder"));
            }
            planes.push(Plane {
                rows,
                across: across as usize,
                down: down as usize,
                quant,
            });
        }
        Ok(BlockWriter { writer, planes })
    }

    /// The quantisation table of `component`, natural order.
    pub fn quant(&self, component: usize) -> &[u16; 64] {
        &self.planes[component].quant
    }

    /// The block at (`across`, `down`) of `component`.
    pub fn block(&mut self, component: usize, across: usize, down: usize) -> &mut Block {
        let plane = &self.planes[component];
        assert!(across < plane.across && down < plane.down, "block outside the image");
        // SAFETY: libjpeg gave `down` rows of `across` blocks each, alive until finish or
        // drop; `&mut self` keeps the reference unique.
        unsafe { &mut *(*plane.rows.add(down)).add(across) }
    }

    /// Entropy-codes every block with Huffman tables made for `counts` (see
    /// [`SymbolCounts`]) and returns the file.
    pub fn finish(self, counts: &mut SymbolCounts) -> Result<Vec<u8>, String> {
        let mut out = std::ptr::null();
        let mut size: c_ulong = 0;
        let raw = self.writer.raw.as_ptr();
        let (dc, ac) = (counts.dc.as_mut_ptr().cast::<c_long>(), counts.ac.as_mut_ptr().cast::<c_long>());
        // SAFETY: every block was written; the counts hold 2 x 257 entries each (libjpeg
        // uses them as scratch space); the buffer stays valid until the writer drops.
        let status = unsafe { dk_writer_finish_blocks(raw, dc, ac, &mut out, &mut size) };
        if status != 0 || out.is_null() {
            return Err(self.writer.error("the JPEG encoder failed"));
        }
        Ok(unsafe { std::slice::from_raw_parts(out, size as usize) }.to_vec())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // SAFETY: created by dk_writer_new, freed once.
        unsafe { dk_writer_free(self.raw.as_ptr()) }
    }
}
