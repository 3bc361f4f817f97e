//! IPTC-IIM inside the APP13 segment: `Photoshop 3.0\0` followed by Photoshop
//! image resource blocks (`8BIM`, a 16-bit id, an even-padded Pascal name, a
//! 32-bit size, data padded to an even length). Resource 0x0404 holds the IIM
//! datasets; resource 0x0425 holds the MD5 digest of those datasets, which
//! Photoshop checks, so it is dropped whenever the datasets are changed.

pub const PHOTOSHOP_HEADER: &[u8] = b"Photoshop 3.0\0";
const RESOURCE_SIGNATURE: &[u8] = b"8BIM";
/// IPTC-NAA record (Photoshop File Formats Specification, image resource IDs).
const IPTC_NAA: u16 = 0x0404;
/// MD5 digest of the IPTC-NAA record.
const IPTC_DIGEST: u16 = 0x0425;

/// Location datasets of the Application Record (record 2), numbered as in
/// IPTC-NAA Information Interchange Model 4.2, chapter 6 (Application Record):
/// 2:26 Content Location Code and 2:27 Content Location Name (both marked
/// obsolete by the IPTC, still location), 2:90 City, 2:92 Sub-location,
/// 2:95 Province/State, 2:100 Country/Primary Location Code,
/// 2:101 Country/Primary Location Name.
pub const LOCATION_DATASETS: [u8; 7] = [26, 27, 90, 92, 95, 100, 101];

struct Resource<'a> {
    id: u16,
    /// The Pascal name with its padding, as stored.
    name: &'a [u8],
    data: &'a [u8],
}

/// The resource blocks after the header, or `None` when they do not parse.
fn resources(payload: &[u8]) -> Option<Vec<Resource<'_>>> {
    let mut rest = payload.strip_prefix(PHOTOSHOP_HEADER)?;
    let mut found = Vec::new();
    while !rest.is_empty() {
        if rest.len() < 4 + 2 + 2 || &rest[..4] != RESOURCE_SIGNATURE {
            return None;
        }
        let id = u16::from_be_bytes([rest[4], rest[5]]);
        let name_len = 1 + rest[6] as usize;
        let name_len = name_len + name_len % 2;
        let after_name = 6 + name_len;
        let size_bytes = rest.get(after_name..after_name + 4)?;
        let size = u32::from_be_bytes(size_bytes.try_into().ok()?) as usize;
        let data_start = after_name + 4;
        let data = rest.get(data_start..data_start.checked_add(size)?)?;
        found.push(Resource { id, name: &rest[6..after_name], data });
        let next = (data_start + size + size % 2).min(rest.len());
        rest = &rest[next..];
    }
    Some(found)
}

fn write_resource(out: &mut Vec<u8>, id: u16, name: &[u8], data: &[u8]) {
    out.extend_from_slice(RESOURCE_SIGNATURE);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

/// One IIM dataset: `0x1C`, record, dataset number, and its data.
pub struct Dataset<'a> {
    pub record: u8,
    pub number: u8,
    #[cfg_attr(not(test), allow(dead_code))]
    pub data: &'a [u8],
    /// The whole dataset as stored, tag and length included.
    raw: &'a [u8],
}

/// The datasets of an IIM block, or `None` when they do not parse (extended
/// lengths, with the top bit set, included).
pub fn datasets(iim: &[u8]) -> Option<Vec<Dataset<'_>>> {
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < iim.len() {
        if iim[pos] != 0x1C {
            // Padding after the last dataset.
            if iim[pos..].iter().all(|b| *b == 0) {
                break;
            }
            return None;
        }
        let head = iim.get(pos..pos + 5)?;
        let len = u16::from_be_bytes([head[3], head[4]]);
        let (start, len) = if len & 0x8000 == 0 {
            (pos + 5, len as usize)
        } else {
            let count = (len & 0x7FFF) as usize;
            if count == 0 || count > 8 {
                return None;
            }
            let bytes = iim.get(pos + 5..pos + 5 + count)?;
            let value = bytes.iter().fold(0usize, |v, b| (v << 8) | *b as usize);
            (pos + 5 + count, value)
        };
        let end = start.checked_add(len)?;
        let data = iim.get(start..end)?;
        found.push(Dataset { record: head[1], number: head[2], data, raw: &iim[pos..end] });
        pos = end;
    }
    Some(found)
}

fn is_location(d: &Dataset<'_>) -> bool {
    d.record == 2 && LOCATION_DATASETS.contains(&d.number)
}

/// The APP13 payload with every location dataset removed, the digest of the
/// IIM block dropped if the block changed, and every other resource kept as
/// it was. `None` when the payload does not parse: the caller leaves it out
/// rather than send location it could not remove.
pub fn remove_location(payload: &[u8]) -> Option<Vec<u8>> {
    let blocks = resources(payload)?;
    let mut changed = false;
    let mut rewritten = Vec::with_capacity(blocks.len());
    for block in &blocks {
        if block.id != IPTC_NAA {
            rewritten.push(None);
            continue;
        }
        let sets = datasets(block.data)?;
        if sets.iter().any(is_location) {
            changed = true;
            let kept: Vec<u8> = sets.iter().filter(|d| !is_location(d)).flat_map(|d| d.raw.iter().copied()).collect();
            rewritten.push(Some(kept));
        } else {
            rewritten.push(None);
        }
    }
    if !changed {
        return Some(payload.to_vec());
    }
    let mut out = PHOTOSHOP_HEADER.to_vec();
    for (block, new_data) in blocks.iter().zip(&rewritten) {
        if block.id == IPTC_DIGEST {
            continue;
        }
        write_resource(&mut out, block.id, block.name, new_data.as_deref().unwrap_or(block.data));
    }
    Some(out)
}

/// The IIM datasets of every 0x0404 resource in an APP13 payload.
#[cfg(test)]
fn iim_blocks(payload: &[u8]) -> Vec<&[u8]> {
    resources(payload)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.id == IPTC_NAA)
        .map(|r| r.data)
        .collect()
}

/// An APP13 payload holding the given datasets as one IIM resource, followed
/// by the digest resource when `digest` is given.
#[cfg(test)]
fn build(sets: &[(u8, u8, &[u8])], digest: Option<[u8; 16]>) -> Vec<u8> {
    let mut iim = Vec::new();
    for (record, number, data) in sets {
        iim.extend_from_slice(&[0x1C, *record, *number]);
        iim.extend_from_slice(&(data.len() as u16).to_be_bytes());
        iim.extend_from_slice(data);
    }
    let mut out = PHOTOSHOP_HEADER.to_vec();
    write_resource(&mut out, IPTC_NAA, &[0, 0], &iim);
    if let Some(d) = digest {
        write_resource(&mut out, IPTC_DIGEST, &[0, 0], &d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(payload: &[u8]) -> Vec<(u8, u8)> {
        iim_blocks(payload).iter().flat_map(|b| datasets(b).unwrap()).map(|d| (d.record, d.number)).collect()
    }

    #[test]
    fn location_datasets_go_and_the_rest_stays_with_valid_lengths() {
        let mut sets: Vec<(u8, u8, &[u8])> = vec![(1, 90, b"\x1b%G"), (2, 0, b"\x00\x04")];
        let names: [&[u8]; 7] = [b"LC1", b"Old town", b"Paris", b"Marais", b"IDF", b"FRA", b"France"];
        for (n, v) in LOCATION_DATASETS.iter().zip(names) {
            sets.push((2, *n, v));
        }
        sets.extend_from_slice(&[(2, 120, b"A caption" as &[u8]), (2, 25, b"holiday"), (2, 116, b"(c) Me, odd")]);
        let payload = build(&sets, Some([7; 16]));
        let stripped = remove_location(&payload).unwrap();
        assert_eq!(numbers(&stripped), [(1, 90), (2, 0), (2, 120), (2, 25), (2, 116)]);
        let block = iim_blocks(&stripped)[0];
        let texts: Vec<&[u8]> = datasets(block).unwrap().iter().map(|d| d.data).collect();
        assert_eq!(texts[2..], [b"A caption" as &[u8], b"holiday", b"(c) Me, odd"]);
        // The digest of the changed block is gone; every block still parses to the end.
        assert_eq!(resources(&stripped).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [IPTC_NAA]);
    }

    #[test]
    fn a_block_without_location_is_kept_byte_for_byte() {
        let payload = build(&[(2, 120, b"caption"), (2, 25, b"kw")], Some([1; 16]));
        assert_eq!(remove_location(&payload).unwrap(), payload);
    }

    #[test]
    fn a_damaged_block_is_refused() {
        let mut payload = build(&[(2, 90, b"Paris")], None);
        let cut = payload.len() - 2;
        payload.truncate(cut);
        assert!(remove_location(&payload).is_none());
    }
}
