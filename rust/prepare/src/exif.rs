//! In-place edits of TIFF-structured EXIF. Nothing is moved, so every offset in the
//! block (maker notes included) stays valid; removed data is zeroed, not left behind.

const TAG_ORIENTATION: u16 = 0x0112;
const TAG_EXIF_IFD: u16 = 0x8769;
const TAG_GPS_IFD: u16 = 0x8825;
const TAG_PIXEL_X: u16 = 0xA002;
const TAG_PIXEL_Y: u16 = 0xA003;

const TYPE_SHORT: u16 = 3;
const TYPE_LONG: u16 = 4;

struct Tiff<'a> {
    data: &'a mut [u8],
    little: bool,
}

#[derive(Clone, Copy)]
struct Entry {
    /// Offset of the 12-byte entry itself.
    at: usize,
    tag: u16,
    kind: u16,
    count: u32,
}

impl<'a> Tiff<'a> {
    fn new(data: &'a mut [u8]) -> Option<Self> {
        let little = match data.get(0..4)? {
            b"II*\0" => true,
            b"MM\0*" => false,
            _ => return None,
        };
        Some(Tiff { data, little })
    }

    fn u16_at(&self, at: usize) -> Option<u16> {
        let b = self.data.get(at..at + 2)?;
        Some(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at + 4)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn put_u16(&mut self, at: usize, v: u16) {
        let b = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        if let Some(dst) = self.data.get_mut(at..at + 2) {
            dst.copy_from_slice(&b);
        }
    }

    fn put_u32(&mut self, at: usize, v: u32) {
        let b = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        if let Some(dst) = self.data.get_mut(at..at + 4) {
            dst.copy_from_slice(&b);
        }
    }

    fn zero(&mut self, at: usize, len: usize) {
        let end = (at + len).min(self.data.len());
        if at < end {
            self.data[at..end].fill(0);
        }
    }

    fn ifd0(&self) -> Option<usize> {
        self.u32_at(4).map(|v| v as usize)
    }

    fn entries(&self, ifd: usize) -> Vec<Entry> {
        let Some(count) = self.u16_at(ifd) else {
            return Vec::new();
        };
        (0..count as usize)
            .map(|i| ifd + 2 + 12 * i)
            .map_while(|at| {
                Some(Entry {
                    at,
                    tag: self.u16_at(at)?,
                    kind: self.u16_at(at + 2)?,
                    count: self.u32_at(at + 4)?,
                })
            })
            .collect()
    }

    fn find(&self, ifd: usize, tag: u16) -> Option<Entry> {
        self.entries(ifd).into_iter().find(|e| e.tag == tag)
    }

    /// Size in bytes of an entry's value, and where it is stored.
    fn value_location(&self, e: Entry) -> (usize, usize) {
        let unit = match e.kind {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 => 8,
            _ => 1,
        };
        let len = unit * e.count as usize;
        if len <= 4 {
            (e.at + 8, len)
        } else {
            (self.u32_at(e.at + 8).unwrap_or(0) as usize, len)
        }
    }

    fn read_uint(&self, e: Entry) -> Option<u32> {
        match e.kind {
            TYPE_SHORT => self.u16_at(e.at + 8).map(u32::from),
            TYPE_LONG => self.u32_at(e.at + 8),
            _ => None,
        }
    }

    fn write_uint(&mut self, e: Entry, v: u32) {
        match e.kind {
            TYPE_SHORT => self.put_u16(e.at + 8, v.min(u16::MAX as u32) as u16),
            TYPE_LONG => self.put_u32(e.at + 8, v),
            _ => {}
        }
    }

    fn next_ifd_slot(&self, ifd: usize) -> usize {
        ifd + 2 + 12 * self.u16_at(ifd).unwrap_or(0) as usize
    }

    /// Removes one entry from an IFD by shifting the following ones up.
    fn remove_entry(&mut self, ifd: usize, e: Entry) {
        let slot = self.next_ifd_slot(ifd);
        let next = self.u32_at(slot).unwrap_or(0);
        let count = self.u16_at(ifd).unwrap_or(0);
        if slot > self.data.len() || count == 0 {
            return;
        }
        self.data.copy_within(e.at + 12..slot, e.at);
        self.put_u16(ifd, count - 1);
        self.put_u32(slot - 12, next);
        self.zero(slot - 8, 8);
    }
}

/// The EXIF orientation (1 to 8), or 1 when absent or invalid.
pub fn orientation(tiff: &[u8]) -> u16 {
    let mut copy = tiff.to_vec();
    let Some(t) = Tiff::new(&mut copy) else {
        return 1;
    };
    let value = t
        .ifd0()
        .and_then(|ifd| t.find(ifd, TAG_ORIENTATION))
        .and_then(|e| t.read_uint(e));
    match value {
        Some(v @ 1..=8) => v as u16,
        _ => 1,
    }
}

/// What to change in an EXIF block for the prepared image.
pub struct ExifChanges {
    pub width: u32,
    pub height: u32,
    /// The pixels were turned: orientation becomes 1 and the (unturned) thumbnail goes.
    pub oriented: bool,
    pub strip_location: bool,
}

/// Applies `changes` in place. Returns false when the block is not TIFF-structured.
pub fn edit(tiff: &mut [u8], changes: &ExifChanges) -> bool {
    let Some(mut t) = Tiff::new(tiff) else {
        return false;
    };
    let Some(ifd0) = t.ifd0() else { return false };

    if let Some(e) = t.find(ifd0, TAG_ORIENTATION) {
        t.write_uint(e, 1);
    }
    if let Some(exif_ifd) = t.find(ifd0, TAG_EXIF_IFD).and_then(|e| t.u32_at(e.at + 8)) {
        let exif_ifd = exif_ifd as usize;
        if let Some(e) = t.find(exif_ifd, TAG_PIXEL_X) {
            t.write_uint(e, changes.width);
        }
        if let Some(e) = t.find(exif_ifd, TAG_PIXEL_Y) {
            t.write_uint(e, changes.height);
        }
    }
    if changes.strip_location {
        if let Some(pointer) = t.find(ifd0, TAG_GPS_IFD) {
            if let Some(gps) = t.u32_at(pointer.at + 8) {
                let gps = gps as usize;
                for e in t.entries(gps) {
                    let (at, len) = t.value_location(e);
                    if at != e.at + 8 {
                        t.zero(at, len);
                    }
                }
                let len = 2 + 12 * t.u16_at(gps).unwrap_or(0) as usize + 4;
                t.zero(gps, len);
            }
            t.remove_entry(ifd0, pointer);
        }
    }
    if changes.oriented {
        let slot = t.next_ifd_slot(ifd0);
        t.put_u32(slot, 0);
    }
    true
}
