//! Dropbox `content_hash`: SHA-256 of every 4 MiB block, the digests
//! concatenated, then SHA-256 of that, as lowercase hex.

use sha2::{Digest, Sha256};

pub const DROPBOX_BLOCK_SIZE: usize = 4 * 1024 * 1024;

#[derive(Clone, Default)]
pub struct ContentHasher {
    /// The digest of each whole block so far (32 bytes per 4 MiB), kept so
    /// that parts hashed apart can be joined (see `append_part`).
    blocks: Vec<[u8; 32]>,
    block: Sha256,
    in_block: usize,
}

/// `append_part` needs the hash so far to end on a block boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotOnABlockBoundary;

impl ContentHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let take = (DROPBOX_BLOCK_SIZE - self.in_block).min(data.len());
            self.block.update(&data[..take]);
            self.in_block += take;
            data = &data[take..];
            if self.in_block == DROPBOX_BLOCK_SIZE {
                self.blocks.push(std::mem::take(&mut self.block).finalize().into());
                self.in_block = 0;
            }
        }
    }

    /// Appends the bytes `part` hashed on its own, as if they followed the
    /// bytes hashed so far, which must end on a 4 MiB boundary (as the
    /// chunks of a Dropbox concurrent upload session do).
    pub fn append_part(&mut self, part: &ContentHasher) -> Result<(), NotOnABlockBoundary> {
        if self.in_block != 0 {
            return Err(NotOnABlockBoundary);
        }
        self.blocks.extend_from_slice(&part.blocks);
        self.block = part.block.clone();
        self.in_block = part.in_block;
        Ok(())
    }

    pub fn finish(mut self) -> [u8; 32] {
        if self.in_block > 0 {
            self.blocks.push(std::mem::take(&mut self.block).finalize().into());
        }
        let mut overall = Sha256::new();
        for digest in &self.blocks {
            overall.update(digest);
        }
        overall.finalize().into()
    }

    pub fn finish_hex(self) -> String {
        self.finish().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_sha256_of_nothing() {
        assert_eq!(
            ContentHasher::new().finish_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn blocks_are_hashed_separately() {
        // Two blocks plus a tail: compare with the definition spelled out.
        let data: Vec<u8> = (0..(2 * DROPBOX_BLOCK_SIZE + 1000)).map(|i| (i % 251) as u8).collect();
        let mut concat = Vec::new();
        for block in data.chunks(DROPBOX_BLOCK_SIZE) {
            concat.extend_from_slice(&Sha256::digest(block));
        }
        let want: String = Sha256::digest(&concat).iter().map(|b| format!("{b:02x}")).collect();
        let mut h = ContentHasher::new();
        for piece in data.chunks(1_000_003) {
            h.update(piece);
        }
        assert_eq!(h.finish_hex(), want);
    }

    #[test]
    fn block_aligned_parts_hashed_apart_append_to_the_whole_files_hash() {
        let data: Vec<u8> = (0..(3 * DROPBOX_BLOCK_SIZE + 777)).map(|i| (i % 253) as u8).collect();
        let mut want = ContentHasher::new();
        want.update(&data);
        let want = want.finish_hex();
        let mut whole = ContentHasher::new();
        for part in [&data[..DROPBOX_BLOCK_SIZE], &data[DROPBOX_BLOCK_SIZE..3 * DROPBOX_BLOCK_SIZE], &data[3 * DROPBOX_BLOCK_SIZE..]] {
            let mut h = ContentHasher::new();
            h.update(part);
            whole.append_part(&h).unwrap();
        }
        assert_eq!(whole.finish_hex(), want);
        // A part may only follow a whole block.
        let mut unaligned = ContentHasher::new();
        unaligned.update(b"abc");
        assert_eq!(unaligned.append_part(&ContentHasher::new()), Err(NotOnABlockBoundary));
    }

    #[test]
    fn one_byte_file() {
        // sha256(sha256("a")) for a single block.
        let inner = Sha256::digest(b"a");
        let want: String = Sha256::digest(inner).iter().map(|b| format!("{b:02x}")).collect();
        let mut h = ContentHasher::new();
        h.update(b"a");
        assert_eq!(h.finish_hex(), want);
    }
}
