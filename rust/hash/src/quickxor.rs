//! Microsoft's QuickXorHash: each input byte is XORed into a 160-bit register
//! at a bit offset that advances by 11 per byte (wrapping at 160); at the end
//! the total length, as a 64-bit little-endian integer, is XORed into the last
//! eight bytes of the register.

use base64::Engine as _;

const WIDTH_BITS: u32 = 160;
const SHIFT: u32 = 11;
/// The shift pattern repeats every 160 bytes (11 and 160 are coprime).
const PERIOD: usize = 160;

#[derive(Clone)]
pub struct QuickXorHasher {
    /// Register as 20 bytes, little-endian bit order (bit k = byte k/8, bit k%8).
    /// Each lane accumulates the bytes whose position is congruent to lane mod
    /// 160; they are folded into the register only at the end, which keeps the
    /// hot loop to a single XOR per byte.
    lanes: [u8; PERIOD],
    /// Bytes consumed so far; also decides which lane the next byte lands in.
    length: u64,
}

impl Default for QuickXorHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl QuickXorHasher {
    pub fn new() -> Self {
        Self { lanes: [0; PERIOD], length: 0 }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        let mut lane = (self.length % PERIOD as u64) as usize;
        self.length += data.len() as u64;
        // Finish a partial period first, then whole periods in a tight loop.
        while lane != 0 && !data.is_empty() {
            self.lanes[lane] ^= data[0];
            data = &data[1..];
            lane = (lane + 1) % PERIOD;
        }
        let mut chunks = data.chunks_exact(PERIOD);
        for chunk in &mut chunks {
            for (acc, b) in self.lanes.iter_mut().zip(chunk) {
                *acc ^= *b;
            }
        }
        for (i, b) in chunks.remainder().iter().enumerate() {
            self.lanes[i] ^= *b;
        }
    }

    /// Appends the bytes `part` hashed on its own, as if they followed the
    /// bytes hashed so far: XOR does not care about order, so each of the
    /// part's lanes only moves by where the part starts. Lets pieces of one
    /// file that arrive in any order be hashed as they arrive.
    pub fn append_part(&mut self, part: &QuickXorHasher) {
        let shift = (self.length % PERIOD as u64) as usize;
        for (lane, &value) in part.lanes.iter().enumerate() {
            self.lanes[(lane + shift) % PERIOD] ^= value;
        }
        self.length += part.length;
    }

    /// The 20 raw bytes of the hash.
    pub fn finish(&self) -> [u8; 20] {
        let mut reg = [0u8; 20];
        for (lane, &value) in self.lanes.iter().enumerate() {
            if value == 0 {
                continue;
            }
            let start = (lane as u32 * SHIFT) % WIDTH_BITS;
            for bit in 0..8 {
                if value & (1 << bit) != 0 {
                    let pos = (start + bit) % WIDTH_BITS;
                    reg[(pos / 8) as usize] ^= 1 << (pos % 8);
                }
            }
        }
        for (i, b) in self.length.to_le_bytes().iter().enumerate() {
            reg[12 + i] ^= b;
        }
        reg
    }

    pub fn finish_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(data: &[u8]) -> String {
        let mut h = QuickXorHasher::new();
        h.update(data);
        h.finish_base64()
    }

    /// Bit-by-bit reference written straight from the definition.
    fn reference(data: &[u8]) -> String {
        let mut reg = [0u8; 20];
        for (i, &b) in data.iter().enumerate() {
            let start = ((i as u64 * 11) % 160) as u32;
            for bit in 0..8 {
                if b & (1 << bit) != 0 {
                    let pos = (start + bit) % 160;
                    reg[(pos / 8) as usize] ^= 1 << (pos % 8);
                }
            }
        }
        for (i, b) in (data.len() as u64).to_le_bytes().iter().enumerate() {
            reg[12 + i] ^= b;
        }
        base64::engine::general_purpose::STANDARD.encode(reg)
    }

    #[test]
    fn published_vectors() {
        assert_eq!(hash(b""), "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assert_eq!(hash(&[0x4A]), "SgAAAAAAAAAAAAAAAQAAAAAAAAA=");
    }

    #[test]
    fn parts_hashed_apart_append_to_the_whole_files_hash() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2246822519) >> 11) as u8).collect();
        for cuts in [vec![0, 5000], vec![0, 1, 5000], vec![0, 160, 321, 4999, 5000], vec![0, 2500, 4096, 5000]] {
            let mut whole = QuickXorHasher::new();
            for pair in cuts.windows(2) {
                let mut part = QuickXorHasher::new();
                part.update(&data[pair[0]..pair[1]]);
                whole.append_part(&part);
            }
            assert_eq!(whole.finish_base64(), reference(&data), "cuts {cuts:?}");
        }
    }

    #[test]
    fn matches_reference_for_many_lengths_and_split_points() {
        let data: Vec<u8> = (0..2000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        for len in [1usize, 2, 7, 159, 160, 161, 319, 320, 321, 999, 2000] {
            let want = reference(&data[..len]);
            assert_eq!(hash(&data[..len]), want, "len {len}");
            for split in [1usize, 13, 160, len / 2] {
                if split >= len {
                    continue;
                }
                let mut h = QuickXorHasher::new();
                h.update(&data[..split]);
                h.update(&data[split..len]);
                assert_eq!(h.finish_base64(), want, "len {len} split {split}");
            }
        }
    }
}
