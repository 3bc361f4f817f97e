//! Turned photos (EXIF orientations 2 to 8) encoded while they are still being decoded.
//!
//! A photo shown turned cannot go through a row-by-row encoder until its last row is
//! decoded: the first displayed row of a portrait photo is the stored image's first
//! (or last) column. But a JPEG is made of 8x8 blocks, and each block of the displayed
//! image only needs the few stored rows it is turned from. So every MCU (the 16x16 or
//! 8x8 pixel group the blocks come in) is colour-converted, subsampled, transformed and
//! quantised here as soon as the stored rows it needs have been resized, on the
//! preparing thread beside the decoder, and its Huffman symbols are counted; after
//! the last row only libjpeg's one entropy-coding pass is left, as for an upright photo.
//!
//! The transform and the quantisation follow the JPEG standard (ITU-T T.81, A.3.3 and
//! A.3.4) with the quantisation tables and sampling libjpeg chose for the same quality,
//! so the file is what libjpeg makes of the turned pixels, up to rounding.

use crate::encode;
use crate::libjpeg::{Block, BlockWriter, SymbolCounts, WriterSettings};
use crate::pixels::{displayed_size, Turn};

/// The type-II DCT of T.81 A.3.3 as a matrix: `M[u][x] = C(u)/2 cos((2x+1)u pi/16)`,
/// so a block's transform is `M B M^T`.
fn dct_matrix() -> [[f32; 8]; 8] {
    let mut m = [[0f32; 8]; 8];
    for (u, row) in m.iter_mut().enumerate() {
        let c = if u == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
        for (x, value) in row.iter_mut().enumerate() {
            let angle = (2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0;
            *value = (c / 2.0 * angle.cos()) as f32;
        }
    }
    m
}

fn transposed(m: &[[f32; 8]; 8]) -> [[f32; 8]; 8] {
    let mut t = [[0f32; 8]; 8];
    for (u, row) in m.iter().enumerate() {
        for (x, &value) in row.iter().enumerate() {
            t[x][u] = value;
        }
    }
    t
}

/// Transforms and quantises level-shifted samples (row-major) into `out`; `mt` is
/// `m` transposed. The loops run along rows of 8, which the compiler vectorises.
fn transform(samples: &[f32; 64], m: &[[f32; 8]; 8], mt: &[[f32; 8]; 8], reciprocal: &[f32; 64], out: &mut [i16; 64]) {
    // Rows: t[y][u] = sum over x of samples[y][x] * M[u][x].
    let mut t = [[0f32; 8]; 8];
    for (row, line) in t.iter_mut().zip(samples.chunks_exact(8)) {
        for (&sample, basis) in line.iter().zip(mt) {
            for (acc, &b) in row.iter_mut().zip(basis) {
                *acc += sample * b;
            }
        }
    }
    // Columns: F[v][u] = sum over y of M[v][y] * t[y][u], then quantised (T.81 A.3.4).
    for ((weights, quant), coefficients) in m.iter().zip(reciprocal.chunks_exact(8)).zip(out.chunks_exact_mut(8)) {
        let mut acc = [0f32; 8];
        for (&weight, row) in weights.iter().zip(&t) {
            for (a, &v) in acc.iter_mut().zip(row) {
                *a += weight * v;
            }
        }
        for ((c, a), r) in coefficients.iter_mut().zip(acc).zip(quant) {
            // Baseline JPEG codes AC coefficients of up to 10 bits (T.81 F.1.2.2).
            *c = (a * r).round().clamp(-1023.0, 1023.0) as i16;
        }
    }
}

/// The natural (row-major) index of each coefficient in the zigzag order the
/// entropy coder reads (T.81 figure A.6): the anti-diagonals, alternating.
fn zigzag() -> [usize; 64] {
    let mut order = [0; 64];
    let mut k = 0;
    for sum in 0..15usize {
        let rows = sum.saturating_sub(7)..=sum.min(7);
        let rows: Vec<usize> = if sum % 2 == 0 { rows.rev().collect() } else { rows.collect() };
        for row in rows {
            order[k] = row * 8 + (sum - row);
            k += 1;
        }
    }
    order
}

/// Bits of a coefficient's magnitude: its size category (T.81 F.1.2.1).
fn category(value: i32) -> usize {
    (32 - value.unsigned_abs().leading_zeros()) as usize
}

/// Counts of every symbol the coefficients will be coded with, starting at 1 for
/// every symbol baseline JPEG allows (so each gets a code, whatever is counted).
fn symbol_counts() -> SymbolCounts {
    let mut counts = SymbolCounts { dc: [[0; 257]; 2], ac: [[0; 257]; 2] };
    for table in 0..2 {
        counts.dc[table][..12].fill(1);
        counts.ac[table][0x00] = 1;
        counts.ac[table][0xF0] = 1;
        for run in 0..16 {
            counts.ac[table][(run << 4 | 1)..=(run << 4 | 10)].fill(1);
        }
    }
    counts
}

/// Counts the AC symbols of a block: a run of zeros and the size of the next
/// coefficient, ZRL for each 16 zeros before it, EOB after the last one (T.81 F.1.2.2).
fn count_ac(counts: &mut [std::ffi::c_long; 257], block: &Block, zigzag: &[usize; 64]) {
    let mut run = 0;
    for &at in &zigzag[1..] {
        let value = block[at];
        if value == 0 {
            run += 1;
            continue;
        }
        while run > 15 {
            counts[0xF0] += 1;
            run -= 16;
        }
        counts[run << 4 | category(value as i32)] += 1;
        run = 0;
    }
    if run > 0 {
        counts[0x00] += 1;
    }
}

/// One MCU of the displayed image, and how many stored rows it needs.
#[derive(Debug, Clone, Copy)]
struct Mcu {
    rows_needed: u32,
    across: u32,
    down: u32,
}

/// Encodes the displayed (turned) image of stored rows that arrive from the top.
pub struct TurnedEncoder {
    writer: BlockWriter,
    stored: (u32, u32),
    shown: (u32, u32),
    channels: usize,
    turn: Turn,
    /// Chroma sampled once per 2x2 pixels (4:2:0), else once per pixel.
    subsampled: bool,
    /// Displayed pixels per MCU side.
    mcu_side: u32,
    /// MCUs across and down the displayed image.
    mcus: (u32, u32),
    /// Every MCU, in the order the stored rows make them ready.
    order: Vec<Mcu>,
    next: usize,
    m: [[f32; 8]; 8],
    mt: [[f32; 8]; 8],
    /// 1 / quantiser, luma then chroma.
    reciprocal: [[f32; 64]; 2],
    zigzag: [usize; 64],
    /// The Huffman symbols counted so far (AC as the blocks are made, DC at the end,
    /// in the order the blocks are coded).
    counts: SymbolCounts,
}

impl TurnedEncoder {
    /// `stored` is the (resized) size of the rows that will come, `channels` 1 or 3.
    pub fn new(stored: (u32, u32), channels: u8, orientation: u16, quality: u8) -> Result<Self, String> {
        let shown = displayed_size(orientation, stored);
        let settings: WriterSettings = encode::settings(shown.0 as usize, shown.1 as usize, channels as usize, quality);
        let subsampled = settings.luma_per_chroma == (2, 2);
        if !subsampled && settings.luma_per_chroma != (1, 1) {
            return Err("unsupported chroma sampling".into());
        }
        let writer = BlockWriter::new(settings).map_err(encode::failed)?;
        let mcu_side = if subsampled { 16 } else { 8 };
        let turn = Turn::new(orientation, stored);
        let (across, down) = (shown.0.div_ceil(mcu_side), shown.1.div_ceil(mcu_side));
        let mut order = Vec::with_capacity((across * down) as usize);
        for my in 0..down {
            for mx in 0..across {
                let x = [mx * mcu_side, ((mx + 1) * mcu_side).min(shown.0) - 1];
                let y = [my * mcu_side, ((my + 1) * mcu_side).min(shown.1) - 1];
                let last = x.iter().flat_map(|&x| y.iter().map(move |&y| turn.row(x, y))).max().unwrap_or(0);
                order.push(Mcu { rows_needed: last + 1, across: mx, down: my });
            }
        }
        order.sort_by_key(|mcu| mcu.rows_needed);
        let m = dct_matrix();
        let mt = transposed(&m);
        let mut reciprocal = [[0f32; 64]; 2];
        for (table, component) in reciprocal.iter_mut().zip([0, channels as usize - 1]) {
            for (r, &q) in table.iter_mut().zip(writer.quant(component)) {
                *r = 1.0 / q.max(1) as f32;
            }
        }
        Ok(TurnedEncoder {
            writer,
            stored,
            shown,
            channels: channels as usize,
            turn,
            subsampled,
            mcu_side,
            mcus: (across, down),
            order,
            next: 0,
            m,
            mt,
            reciprocal,
            zigzag: zigzag(),
            counts: symbol_counts(),
        })
    }

    /// Encodes every MCU that the first `rows` stored rows of `pixels` (the whole
    /// stored image's buffer, tightly packed) are enough for.
    pub fn rows_ready(&mut self, pixels: &[u8], rows: u32) {
        debug_assert!(pixels.len() >= self.stored.0 as usize * self.stored.1 as usize * self.channels);
        while let Some(&mcu) = self.order.get(self.next) {
            if mcu.rows_needed > rows {
                break;
            }
            self.encode_mcu(pixels, mcu);
            self.next += 1;
        }
    }

    /// Entropy-codes the image once every stored row was given to [`Self::rows_ready`].
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        if self.next < self.order.len() {
            return Err("the image data ends early".into());
        }
        self.count_dc();
        self.writer.finish(&mut self.counts).map_err(encode::failed)
    }

    /// Counts the DC symbols: each block's DC coefficient is coded as its difference
    /// from the one before it of the same component, in the MCUs' order (left to
    /// right, top to bottom; within an MCU the component's blocks the same way).
    fn count_dc(&mut self) {
        let per_side = self.mcu_side as usize / 8;
        let mut last = [0i32; 3];
        for my in 0..self.mcus.1 as usize {
            for mx in 0..self.mcus.0 as usize {
                for (component, previous) in last.iter_mut().enumerate().take(self.channels) {
                    let (side, table) = if component == 0 { (per_side, 0) } else { (1, 1) };
                    for by in 0..side {
                        for bx in 0..side {
                            let dc = self.writer.block(component, mx * side + bx, my * side + by)[0] as i32;
                            self.counts.dc[table][category(dc - *previous)] += 1;
                            *previous = dc;
                        }
                    }
                }
            }
        }
    }

    fn encode_mcu(&mut self, pixels: &[u8], mcu: Mcu) {
        let side = self.mcu_side as usize;
        // Stored pixel offsets of the MCU's columns and rows; pixels beyond the image
        // repeat its last column or row, as libjpeg pads the image (T.81 A.2.4 leaves
        // the padding to the encoder).
        let mut from_x = [0isize; 16];
        let mut from_y = [0isize; 16];
        for (i, (fx, fy)) in from_x.iter_mut().zip(from_y.iter_mut()).take(side).enumerate() {
            let x = (mcu.across as usize * side + i).min(self.shown.0 as usize - 1);
            let y = (mcu.down as usize * side + i).min(self.shown.1 as usize - 1);
            *fx = x as isize * self.turn.step_x;
            *fy = y as isize * self.turn.step_y;
        }
        let c = self.channels;
        // Level-shifted Y, Cb and Cr of the MCU's pixels (T.81 A.3.1; the JFIF conversion).
        let mut luma = [0f32; 256];
        let mut blue = [0f32; 256];
        let mut red = [0f32; 256];
        for (j, &fy) in from_y.iter().take(side).enumerate() {
            for (i, &fx) in from_x.iter().take(side).enumerate() {
                let at = (self.turn.base + fx + fy) as usize * c;
                let k = j * side + i;
                if c == 1 {
                    luma[k] = pixels[at] as f32 - 128.0;
                } else {
                    let (r, g, b) = (pixels[at] as f32, pixels[at + 1] as f32, pixels[at + 2] as f32);
                    luma[k] = 0.299 * r + 0.587 * g + 0.114 * b - 128.0;
                    blue[k] = -0.168_736 * r - 0.331_264 * g + 0.5 * b;
                    red[k] = 0.5 * r - 0.418_688 * g - 0.081_312 * b;
                }
            }
        }
        let blocks_per_side = side / 8;
        let mut block = [0f32; 64];
        for by in 0..blocks_per_side {
            for bx in 0..blocks_per_side {
                for r in 0..8 {
                    let from = (by * 8 + r) * side + bx * 8;
                    block[r * 8..r * 8 + 8].copy_from_slice(&luma[from..from + 8]);
                }
                let out = self.writer.block(
                    0,
                    mcu.across as usize * blocks_per_side + bx,
                    mcu.down as usize * blocks_per_side + by,
                );
                transform(&block, &self.m, &self.mt, &self.reciprocal[0], out);
                count_ac(&mut self.counts.ac[0], out, &self.zigzag);
            }
        }
        if c == 1 {
            return;
        }
        for (component, plane) in [(1, &blue), (2, &red)] {
            if self.subsampled {
                for r in 0..8 {
                    for s in 0..8 {
                        let k = 2 * r * 16 + 2 * s;
                        block[r * 8 + s] = (plane[k] + plane[k + 1] + plane[k + 16] + plane[k + 17]) * 0.25;
                    }
                }
            } else {
                block.copy_from_slice(&plane[..64]);
            }
            let out = self.writer.block(component, mcu.across as usize, mcu.down as usize);
            transform(&block, &self.m, &self.mt, &self.reciprocal[1], out);
            count_ac(&mut self.counts.ac[1], out, &self.zigzag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{category, count_ac, dct_matrix, symbol_counts, transform, transposed, zigzag};

    #[test]
    fn zigzag_is_t81_figure_a6() {
        let order = zigzag();
        assert_eq!(order[..10], [0, 1, 8, 16, 9, 2, 3, 10, 17, 24]);
        assert_eq!(order[58..], [61, 54, 47, 55, 62, 63]);
        let mut seen = order.to_vec();
        seen.sort_unstable();
        assert_eq!(seen, (0..64).collect::<Vec<_>>());
    }

    #[test]
    fn categories_are_the_bits_of_the_magnitude() {
        assert_eq!([0, 1, -1, 2, 3, -4, 1023, -2047].map(category), [0, 1, 1, 2, 2, 3, 10, 11]);
    }

    /// A block with AC 5 at zigzag 1, -1 at zigzag 20 and nothing after: symbols
    /// 0x03 (no zeros, 3 bits), ZRL (16 zeros), 0x21 (2 more zeros, 1 bit), EOB.
    #[test]
    fn ac_symbols_are_runs_sizes_zrl_and_eob() {
        let order = zigzag();
        let mut block = [0i16; 64];
        block[order[1]] = 5;
        block[order[20]] = -1;
        let mut counts = symbol_counts();
        let before = counts.ac[0];
        count_ac(&mut counts.ac[0], &block, &order);
        let added: Vec<(usize, std::ffi::c_long)> =
            counts.ac[0].iter().zip(before).enumerate().filter(|(_, (a, b))| **a != *b).map(|(s, (a, b))| (s, *a - b)).collect();
        assert_eq!(added, [(0x00, 1), (0x03, 1), (0x21, 1), (0xF0, 1)]);
    }

    /// The matrix transform is the DCT of T.81 A.3.3: a flat block has only its DC
    /// coefficient, 8 times the level; a one-cycle horizontal cosine only F(1, 0).
    #[test]
    fn transform_is_the_standard_dct() {
        let m = dct_matrix();
        let mt = transposed(&m);
        let ones = [1f32; 64];
        let mut out = [0i16; 64];
        transform(&[10.0; 64], &m, &mt, &ones, &mut out);
        assert_eq!(out[0], 80);
        assert!(out[1..].iter().all(|&c| c == 0), "{out:?}");
        let mut wave = [0f32; 64];
        for y in 0..8 {
            for x in 0..8 {
                wave[y * 8 + x] = 100.0 * ((2 * x + 1) as f32 * std::f32::consts::PI / 16.0).cos();
            }
        }
        transform(&wave, &m, &mt, &ones, &mut out);
        // F(u=1, v=0) = 1/4 * C(1) * C(0) * 8 rows * (100 * 4, the sum of the squared
        // cosines) = 800 / sqrt 2 = 565.7.
        assert_eq!(out[1], 566);
        assert!(out.iter().enumerate().all(|(k, &c)| k == 1 || c == 0), "{out:?}");
    }
}
