//! Content hashes the two services report for stored files.
//!
//! Both hashers are streaming: feed any number of slices with `update`, then
//! call `finish`. They never need the whole file in memory.

mod dropbox;
mod quickxor;

pub use dropbox::{ContentHasher, NotOnABlockBoundary, DROPBOX_BLOCK_SIZE};
pub use quickxor::QuickXorHasher;

/// QuickXorHash of a complete buffer, base64-encoded as OneDrive reports it.
pub fn quickxor_base64(data: &[u8]) -> String {
    let mut h = QuickXorHasher::new();
    h.update(data);
    h.finish_base64()
}

/// Dropbox `content_hash` of a complete buffer (lowercase hex).
pub fn content_hash_hex(data: &[u8]) -> String {
    let mut h = ContentHasher::new();
    h.update(data);
    h.finish_hex()
}

/// Hashes a reader through both algorithms at once (one pass over the data).
pub fn hash_reader<R: std::io::Read>(mut reader: R) -> std::io::Result<FileHashes> {
    let mut q = QuickXorHasher::new();
    let mut c = ContentHasher::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        q.update(&buf[..n]);
        c.update(&buf[..n]);
        size += n as u64;
    }
    Ok(FileHashes { size, quickxor: q.finish_base64(), content_hash: c.finish_hex() })
}

/// Both service hashes of one file, plus its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHashes {
    pub size: u64,
    pub quickxor: String,
    pub content_hash: String,
}
