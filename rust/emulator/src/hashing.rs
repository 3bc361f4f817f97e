//! Both of a file's hashes (OneDrive's QuickXorHash, Dropbox's content hash),
//! fed as its bytes arrive, so a commit never reads the whole file again.

use dkcloud_hash::{ContentHasher, FileHashes, QuickXorHasher};

/// Both hashes of a byte stream, fed as it arrives.
#[derive(Clone, Default)]
pub(crate) struct Hashing {
    quickxor: QuickXorHasher,
    content: ContentHasher,
    size: u64,
}

impl Hashing {
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.quickxor.update(data);
        self.content.update(data);
        self.size += data.len() as u64;
    }

    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Appends a part hashed on its own (a concurrent session's chunk, which
    /// starts on a 4 MiB boundary); false when the hash so far does not end on one.
    pub(crate) fn append_part(&mut self, part: &Hashing) -> bool {
        if self.content.append_part(&part.content).is_err() {
            return false;
        }
        self.quickxor.append_part(&part.quickxor);
        self.size += part.size;
        true
    }

    pub(crate) fn finish(self) -> FileHashes {
        FileHashes { size: self.size, quickxor: self.quickxor.finish_base64(), content_hash: self.content.finish_hex() }
    }
}
