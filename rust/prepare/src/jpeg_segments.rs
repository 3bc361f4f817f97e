//! Reading metadata segments from a JPEG header and writing them into a new JPEG.

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
pub const APP1: u8 = 0xE1;
pub const APP2: u8 = 0xE2;
pub const APP13: u8 = 0xED;
const APP14: u8 = 0xEE;

pub const EXIF_HEADER: &[u8] = b"Exif\0\0";
pub const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
pub const ICC_HEADER: &[u8] = b"ICC_PROFILE\0";
/// Extended XMP (XMP specification part 3, 1.1.3.1): after this header, a
/// 32-character GUID (the MD5 of the whole extended packet, upper-case hex),
/// the packet's full length and this chunk's offset (both 32-bit big-endian),
/// then the chunk.
pub const XMP_EXTENSION_HEADER: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const GUID_LEN: usize = 32;
const EXTENSION_PREFIX: usize = XMP_EXTENSION_HEADER.len() + GUID_LEN + 8;

/// Largest payload of one segment: the 16-bit length counts itself.
pub const MAX_SEGMENT_PAYLOAD: usize = 0xFFFF - 2;

#[derive(Debug, Default)]
pub struct HeaderMetadata {
    /// TIFF-structured EXIF, without the `Exif\0\0` prefix.
    pub exif: Option<Vec<u8>>,
    pub xmp: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
    /// The APP13 payload (`Photoshop 3.0\0` and its resources, IPTC among them).
    pub iptc: Option<Vec<u8>>,
    pub extended_xmp: Option<ExtendedXmp>,
    /// An Adobe APP14 segment is present: CMYK samples are stored inverted.
    pub adobe: bool,
}

/// The extended XMP packet, put together from its chunks, and its GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendedXmp {
    pub guid: String,
    pub packet: Vec<u8>,
}

/// One chunk of extended XMP: GUID, full length, offset, data.
type ExtensionChunk = (Vec<u8>, usize, usize, Vec<u8>);

/// Walks the segments before the first scan. A damaged header just ends the walk;
/// the decoder reports the damage.
pub fn read_header_metadata(data: &[u8]) -> HeaderMetadata {
    let mut found = HeaderMetadata::default();
    let mut icc_chunks: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut extension_chunks: Vec<ExtensionChunk> = Vec::new();
    if data.len() < 4 || data[0] != 0xFF || data[1] != SOI {
        return found;
    }
    let mut pos = 2;
    while pos + 4 <= data.len() {
        if data[pos] != 0xFF {
            break;
        }
        let marker = data[pos + 1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        if marker == SOS || marker == EOI {
            break;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos += 2;
            continue;
        }
        let len = u16::from_be_bytes([data[pos + 2], data[pos + 3]]) as usize;
        if len < 2 || pos + 2 + len > data.len() {
            break;
        }
        let body = &data[pos + 4..pos + 2 + len];
        match marker {
            APP1 if body.starts_with(EXIF_HEADER) && found.exif.is_none() => {
                found.exif = Some(body[EXIF_HEADER.len()..].to_vec());
            }
            APP1 if body.starts_with(XMP_HEADER) && found.xmp.is_none() => {
                found.xmp = Some(body[XMP_HEADER.len()..].to_vec());
            }
            APP1 if body.starts_with(XMP_EXTENSION_HEADER) && body.len() >= EXTENSION_PREFIX => {
                let at = XMP_EXTENSION_HEADER.len();
                let guid = body[at..at + GUID_LEN].to_vec();
                let word = |i: usize| u32::from_be_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]) as usize;
                let (full, offset) = (word(at + GUID_LEN), word(at + GUID_LEN + 4));
                extension_chunks.push((guid, full, offset, body[EXTENSION_PREFIX..].to_vec()));
            }
            APP13 if body.starts_with(crate::iptc::PHOTOSHOP_HEADER) && found.iptc.is_none() => {
                found.iptc = Some(body.to_vec());
            }
            APP2 if body.starts_with(ICC_HEADER) && body.len() >= ICC_HEADER.len() + 2 => {
                let seq = body[ICC_HEADER.len()];
                icc_chunks.push((seq, body[ICC_HEADER.len() + 2..].to_vec()));
            }
            APP14 if body.starts_with(b"Adobe") => found.adobe = true,
            _ => {}
        }
        pos += 2 + len;
    }
    found.extended_xmp = extended_xmp(found.xmp.as_deref(), extension_chunks);
    if !icc_chunks.is_empty() {
        icc_chunks.sort_by_key(|(seq, _)| *seq);
        found.icc = Some(
            icc_chunks
                .into_iter()
                .flat_map(|(_, chunk)| chunk)
                .collect(),
        );
    }
    found
}

/// The packet named by the main XMP's `xmpNote:HasExtendedXMP` (or, without
/// it, the only GUID present), when its chunks cover it exactly.
fn extended_xmp(main: Option<&[u8]>, chunks: Vec<ExtensionChunk>) -> Option<ExtendedXmp> {
    let named = main
        .and_then(|m| std::str::from_utf8(m).ok())
        .and_then(|m| crate::xmp::property(m, "xmpNote:HasExtendedXMP"))
        .map(|g| g.as_bytes().to_vec());
    let guid = named.or_else(|| chunks.first().map(|c| c.0.clone()))?;
    let mine: Vec<_> = chunks.into_iter().filter(|c| c.0 == guid).collect();
    let full = mine.first()?.1;
    let mut packet = vec![0u8; full];
    let mut covered = 0;
    for (_, len, offset, data) in &mine {
        if *len != full {
            return None;
        }
        packet.get_mut(*offset..offset.checked_add(data.len())?)?.copy_from_slice(data);
        covered += data.len();
    }
    (covered == full).then(|| ExtendedXmp { guid: String::from_utf8_lossy(&guid).into_owned(), packet })
}

/// Splits an extended XMP packet into APP1 payloads.
pub fn extended_xmp_segments(extended: &ExtendedXmp) -> Vec<Vec<u8>> {
    let room = MAX_SEGMENT_PAYLOAD - EXTENSION_PREFIX;
    let full = (extended.packet.len() as u32).to_be_bytes();
    extended
        .packet
        .chunks(room)
        .enumerate()
        .map(|(i, chunk)| {
            let mut payload = Vec::with_capacity(EXTENSION_PREFIX + chunk.len());
            payload.extend_from_slice(XMP_EXTENSION_HEADER);
            payload.extend_from_slice(extended.guid.as_bytes());
            payload.extend_from_slice(&full);
            payload.extend_from_slice(&((i * room) as u32).to_be_bytes());
            payload.extend_from_slice(chunk);
            payload
        })
        .collect()
}

/// Inserts segments `(marker, payload)` right after SOI and the encoder's JFIF APP0,
/// where readers look for EXIF first.
pub fn insert_segments(encoded: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let extra: usize = segments.iter().map(|(_, p)| p.len() + 4).sum();
    let mut out = Vec::with_capacity(encoded.len() + extra);
    let mut split = 2;
    if encoded.len() > 6 && encoded[2] == 0xFF && encoded[3] == APP0 {
        split = 4 + u16::from_be_bytes([encoded[4], encoded[5]]) as usize;
    }
    out.extend_from_slice(&encoded[..split]);
    for (marker, payload) in segments {
        debug_assert!(payload.len() <= MAX_SEGMENT_PAYLOAD);
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&encoded[split..]);
    out
}

/// Splits an ICC profile into APP2 payloads (numbered from 1).
pub fn icc_segments(icc: &[u8]) -> Vec<Vec<u8>> {
    let room = MAX_SEGMENT_PAYLOAD - ICC_HEADER.len() - 2;
    let chunks: Vec<&[u8]> = icc.chunks(room).collect();
    let count = chunks.len();
    if count > 255 {
        return Vec::new();
    }
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut payload = Vec::with_capacity(ICC_HEADER.len() + 2 + chunk.len());
            payload.extend_from_slice(ICC_HEADER);
            payload.push(i as u8 + 1);
            payload.push(count as u8);
            payload.extend_from_slice(chunk);
            payload
        })
        .collect()
}
