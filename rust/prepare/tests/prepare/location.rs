//! Location in EXIF, XMP, extended XMP and IPTC-IIM: removed everywhere with
//! `strip_location`, every field kept without it; captions, keywords and
//! copyright kept either way. Checked on the bytes, with our own reading of
//! the segments, and with exiftool as an independent reader.

use super::*;
use md5::{Digest, Md5};
use std::process::Command;

/// Each location value is unique, so its absence from the output's bytes proves
/// it was removed (not merely unreferenced).
const LOCATION_VALUES: [&str; 20] = [
    "LocXmpGpsLat",
    "LocXmpGpsLon",
    "LocCoreLocation",
    "LocCoreCountryCode",
    "LocPsCity",
    "LocPsState",
    "LocPsCountry",
    "LocCreatedCity",
    "LocCreatedSub",
    "LocShownProvince",
    "LocShownCountryName",
    "LocShownWorldRegion",
    "LocExtShownCity",
    "LocExtPsCity",
    "LocIimCity",
    "LocIimSub",
    "LocIimProvince",
    "LocIimCC",
    "LocIimCountry",
    "LocIimContentName",
];

/// Written by the photographer: they must survive either way.
const KEPT_VALUES: [&str; 6] = [
    "KeepCaption",
    "KeepKeyword",
    "KeepCopyright",
    "KeepIimCaption",
    "KeepIimKeyword",
    "KeepIimCopyright",
];

fn extended_packet() -> String {
    let description = concat!(
        "  <rdf:Description rdf:about=\"\"\n",
        "    xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n",
        "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n",
        "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n",
        "    photoshop:City=\"LocExtPsCity\"\n",
        "    xmp:Label=\"KeepExtLabel\">\n",
        "   <Iptc4xmpExt:LocationShown>\n",
        "    <rdf:Bag>\n",
        "     <rdf:li Iptc4xmpExt:City=\"LocExtShownCity\"/>\n",
        "    </rdf:Bag>\n",
        "   </Iptc4xmpExt:LocationShown>\n",
        "  </rdf:Description>\n",
    );
    xmp_document(description, false)
}

fn guid_of(packet: &[u8]) -> String {
    format!("{:X}", Md5::digest(packet))
}

fn main_packet(guid: &str) -> String {
    let description = format!(
        concat!(
            "  <rdf:Description rdf:about=\"\"\n",
            "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n",
            "    xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n",
            "    xmlns:Iptc4xmpCore=\"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/\"\n",
            "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n",
            "    xmlns:xmpNote=\"http://ns.adobe.com/xmp/note/\"\n",
            "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n",
            "    exif:GPSLatitude=\"LocXmpGpsLat\"\n",
            "    Iptc4xmpCore:Location=\"LocCoreLocation\"\n",
            "    Iptc4xmpCore:CountryCode=\"LocCoreCountryCode\"\n",
            "    photoshop:City=\"LocPsCity\"\n",
            "    photoshop:State=\"LocPsState\"\n",
            "    xmpNote:HasExtendedXMP=\"{guid}\">\n",
            "   <exif:GPSLongitude>LocXmpGpsLon</exif:GPSLongitude>\n",
            "   <photoshop:Country>LocPsCountry</photoshop:Country>\n",
            "   <Iptc4xmpExt:LocationCreated>\n",
            "    <rdf:Bag>\n",
            "     <rdf:li rdf:parseType=\"Resource\">\n",
            "      <Iptc4xmpExt:City>LocCreatedCity</Iptc4xmpExt:City>\n",
            "      <Iptc4xmpExt:Sublocation>LocCreatedSub</Iptc4xmpExt:Sublocation>\n",
            "     </rdf:li>\n",
            "    </rdf:Bag>\n",
            "   </Iptc4xmpExt:LocationCreated>\n",
            "   <Iptc4xmpExt:LocationShown>\n",
            "    <rdf:Bag>\n",
            "     <rdf:li Iptc4xmpExt:ProvinceState=\"LocShownProvince\"",
            " Iptc4xmpExt:CountryName=\"LocShownCountryName\"",
            " Iptc4xmpExt:WorldRegion=\"LocShownWorldRegion\"/>\n",
            "    </rdf:Bag>\n",
            "   </Iptc4xmpExt:LocationShown>\n",
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">KeepCaption</rdf:li></rdf:Alt></dc:description>\n",
            "   <dc:subject><rdf:Bag><rdf:li>KeepKeyword</rdf:li></rdf:Bag></dc:subject>\n",
            "   <dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">KeepCopyright</rdf:li></rdf:Alt></dc:rights>\n",
            "  </rdf:Description>\n",
        ),
        guid = guid
    );
    xmp_document(&description, true)
}

/// APP1 segments carrying an extended XMP packet, in chunks of `room` bytes.
fn extended_segments(packet: &[u8], room: usize) -> Vec<(u8, Vec<u8>)> {
    let guid = guid_of(packet);
    packet
        .chunks(room)
        .enumerate()
        .map(|(i, chunk)| {
            let mut p = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
            p.extend_from_slice(guid.as_bytes());
            p.extend_from_slice(&(packet.len() as u32).to_be_bytes());
            p.extend_from_slice(&((i * room) as u32).to_be_bytes());
            p.extend_from_slice(chunk);
            (0xE1, p)
        })
        .collect()
}

/// An 8BIM resource block.
fn resource(id: u16, data: &[u8]) -> Vec<u8> {
    let mut r = b"8BIM".to_vec();
    r.extend_from_slice(&id.to_be_bytes());
    r.extend_from_slice(&[0, 0]);
    r.extend_from_slice(&(data.len() as u32).to_be_bytes());
    r.extend_from_slice(data);
    if data.len() % 2 == 1 {
        r.push(0);
    }
    r
}

/// APP13 with IPTC-IIM datasets (record 2 numbers from IIM 4.2): 2:90 City,
/// 2:92 Sub-location, 2:95 Province/State, 2:100 Country Code,
/// 2:101 Country Name, 2:27 Content Location Name; 2:120 Caption, 2:25
/// Keywords, 2:116 Copyright Notice; then the 0x0425 digest of the datasets.
fn iptc_segment() -> (u8, Vec<u8>) {
    let sets: [(u8, &str); 9] = [
        (90, "LocIimCity"),
        (92, "LocIimSub"),
        (95, "LocIimProvince"),
        (100, "LocIimCC"),
        (101, "LocIimCountry"),
        (27, "LocIimContentName"),
        (120, "KeepIimCaption"),
        (25, "KeepIimKeyword"),
        (116, "KeepIimCopyright"),
    ];
    let mut iim = vec![0x1C, 1, 90, 0, 3, 0x1B, b'%', b'G']; // 1:90 coded character set: UTF-8
    for (n, v) in sets {
        iim.extend_from_slice(&[0x1C, 2, n]);
        iim.extend_from_slice(&(v.len() as u16).to_be_bytes());
        iim.extend_from_slice(v.as_bytes());
    }
    let mut payload = b"Photoshop 3.0\0".to_vec();
    payload.extend(resource(0x0404, &iim));
    payload.extend(resource(0x0425, &Md5::digest(&iim)));
    (0xED, payload)
}

fn photo(dir: &Path) -> std::path::PathBuf {
    let extended = extended_packet();
    let mut segments = vec![xmp_segment(&main_packet(&guid_of(extended.as_bytes())))];
    // Small chunks, so the packet spans several segments.
    segments.extend(extended_segments(extended.as_bytes(), 200));
    segments.push(iptc_segment());
    write(dir, "located.jpg", &with_segments(&Canvas::textured(640, 480).jpeg(90), &segments))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Our own reading of the output: the main XMP's `HasExtendedXMP`, the
/// extended packet put together from its chunks (all with one GUID and
/// length), and the IIM datasets `(record, number, value)` of APP13.
struct Read {
    named_guid: Option<String>,
    extended: Option<(String, Vec<u8>)>,
    iim: Vec<(u8, u8, Vec<u8>)>,
    digest_resources: usize,
}

fn read(jpeg: &[u8]) -> Read {
    let mut out = Read { named_guid: None, extended: None, iim: Vec::new(), digest_resources: 0 };
    let mut chunks: Vec<(String, usize, usize, Vec<u8>)> = Vec::new();
    let mut pos = 2;
    while jpeg[pos] == 0xFF && jpeg[pos + 1] != 0xDA {
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        let body = &jpeg[pos + 4..pos + 2 + len];
        let ext = b"http://ns.adobe.com/xmp/extension/\0";
        let xmp = b"http://ns.adobe.com/xap/1.0/\0";
        if jpeg[pos + 1] == 0xE1 && body.starts_with(xmp) {
            let text = String::from_utf8(body[xmp.len()..].to_vec()).unwrap();
            if let Some(at) = text.find("xmpNote:HasExtendedXMP=\"") {
                let rest = &text[at + 24..];
                out.named_guid = Some(rest[..rest.find('"').unwrap()].to_string());
            }
        }
        if jpeg[pos + 1] == 0xE1 && body.starts_with(ext) {
            let b = &body[ext.len()..];
            let guid = String::from_utf8(b[..32].to_vec()).unwrap();
            let full = u32::from_be_bytes(b[32..36].try_into().unwrap()) as usize;
            let offset = u32::from_be_bytes(b[36..40].try_into().unwrap()) as usize;
            chunks.push((guid, full, offset, b[40..].to_vec()));
        }
        if jpeg[pos + 1] == 0xED {
            let mut r = body.strip_prefix(b"Photoshop 3.0\0".as_slice()).expect("Photoshop header");
            while !r.is_empty() {
                assert_eq!(&r[..4], b"8BIM", "resource blocks stay aligned");
                let id = u16::from_be_bytes([r[4], r[5]]);
                let name = 1 + r[6] as usize;
                let at = 6 + name + name % 2;
                let size = u32::from_be_bytes(r[at..at + 4].try_into().unwrap()) as usize;
                let data = &r[at + 4..at + 4 + size];
                if id == 0x0425 {
                    out.digest_resources += 1;
                }
                if id == 0x0404 {
                    let mut p = 0;
                    while p < data.len() {
                        assert_eq!(data[p], 0x1C, "datasets stay aligned");
                        let n = u16::from_be_bytes([data[p + 3], data[p + 4]]) as usize;
                        out.iim.push((data[p + 1], data[p + 2], data[p + 5..p + 5 + n].to_vec()));
                        p += 5 + n;
                    }
                }
                r = &r[(at + 4 + size + size % 2).min(r.len())..];
            }
        }
        pos += 2 + len;
    }
    if let Some(first) = chunks.first() {
        let (guid, full) = (first.0.clone(), first.1);
        let mut packet = vec![0u8; full];
        let mut covered = 0;
        for (g, f, offset, data) in &chunks {
            assert_eq!((g, *f), (&guid, full), "every chunk names one packet");
            packet[*offset..offset + data.len()].copy_from_slice(data);
            covered += data.len();
        }
        assert_eq!(covered, full, "the chunks cover the packet");
        out.extended = Some((guid, packet));
    }
    out
}

/// exiftool's reading of a file as `group:tag -> value`. exiftool is installed
/// by scripts/install-deps (package libimage-exiftool-perl).
fn exiftool(path: &Path) -> serde_json_lite::Map {
    let out = Command::new("exiftool")
        .args(["-j", "-G1", "-a"])
        .arg(path)
        .output()
        .expect("exiftool runs (Debian package libimage-exiftool-perl, see scripts/install-deps)");
    assert!(out.status.success(), "exiftool: {}", String::from_utf8_lossy(&out.stderr));
    serde_json_lite::parse(&String::from_utf8(out.stdout).unwrap())
}

/// A tiny reader of exiftool's flat `-j` output: the top-level keys and the
/// raw text of their values (enough to check names and strings).
mod serde_json_lite {
    pub type Map = Vec<(String, String)>;

    pub fn parse(text: &str) -> Map {
        let mut map = Vec::new();
        let body = text.trim().trim_start_matches('[').trim_end_matches(']').trim();
        let body = body.trim_start_matches('{').trim_end_matches('}');
        for line in body.lines() {
            let line = line.trim().trim_end_matches(',');
            let Some(rest) = line.strip_prefix('"') else { continue };
            let Some(end) = rest.find("\":") else { continue };
            map.push((rest[..end].to_string(), rest[end + 2..].trim().to_string()));
        }
        map
    }
}

fn location_tags(tags: &serde_json_lite::Map) -> Vec<String> {
    let words = ["City", "Sub-location", "Sublocation", "Province", "State", "Country", "Location", "GPS", "WorldRegion"];
    tags.iter()
        .filter(|(k, _)| !k.starts_with("System:") && !k.starts_with("File:") && !k.starts_with("ExifTool:"))
        .filter(|(k, v)| words.iter().any(|w| k.contains(w)) || v.contains("Loc"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

fn has_value(tags: &serde_json_lite::Map, key: &str, value: &str) -> bool {
    tags.iter().any(|(k, v)| k == key && v.contains(value))
}

#[test]
fn strip_location_removes_every_location_field_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let input = photo(dir.path());
    let before = exiftool(&input);
    assert!(location_tags(&before).len() >= 15, "the fixture carries location: {before:?}");

    let opts = PrepareOptions { strip_location: true, ..options(Some(320), 85) };
    let out = bytes_of(&prepare(&input, &opts));
    for value in LOCATION_VALUES {
        assert!(!contains(&out, value), "{value} is still in the output");
    }
    for value in KEPT_VALUES.iter().chain(&["KeepExtLabel"]) {
        assert!(contains(&out, value), "{value} was lost");
    }

    let read = read(&out);
    let (guid, packet) = read.extended.expect("extended XMP kept");
    assert_eq!(guid, guid_of(&packet), "the GUID is the MD5 of the new packet");
    assert_eq!(read.named_guid.as_deref(), Some(guid.as_str()), "the main XMP names the new packet");
    let numbers: Vec<(u8, u8)> = read.iim.iter().map(|d| (d.0, d.1)).collect();
    assert_eq!(numbers, [(1, 90), (2, 120), (2, 25), (2, 116)]);
    assert_eq!(read.digest_resources, 0, "the digest of the changed datasets is dropped");

    let path = write(dir.path(), "stripped.jpg", &out);
    let after = exiftool(&path);
    assert_eq!(location_tags(&after), Vec::<String>::new(), "exiftool still reports location");
    assert!(has_value(&after, "IPTC:Caption-Abstract", "KeepIimCaption"), "{after:?}");
    assert!(has_value(&after, "IPTC:Keywords", "KeepIimKeyword"), "{after:?}");
    assert!(has_value(&after, "IPTC:CopyrightNotice", "KeepIimCopyright"), "{after:?}");
    assert!(has_value(&after, "XMP-dc:Description", "KeepCaption"), "{after:?}");
    assert!(has_value(&after, "XMP-dc:Subject", "KeepKeyword"), "{after:?}");
    assert!(has_value(&after, "XMP-dc:Rights", "KeepCopyright"), "{after:?}");
    // Read only if exiftool accepts the extended packet's GUID.
    assert!(has_value(&after, "XMP-xmp:Label", "KeepExtLabel"), "{after:?}");
}

#[test]
fn without_strip_every_field_survives_a_resize() {
    let dir = tempfile::tempdir().unwrap();
    let input = photo(dir.path());
    let out = bytes_of(&prepare(&input, &options(Some(320), 85)));
    for value in LOCATION_VALUES.iter().chain(&KEPT_VALUES).chain(&["KeepExtLabel"]) {
        assert!(contains(&out, value), "{value} was lost");
    }
    let read = read(&out);
    let extended = extended_packet();
    let (guid, packet) = read.extended.expect("extended XMP kept");
    assert_eq!(packet, extended.as_bytes());
    assert_eq!(read.named_guid.as_deref(), Some(guid.as_str()));
    assert_eq!(guid, guid_of(extended.as_bytes()));
    assert_eq!(read.iim.len(), 10);
    assert_eq!(read.digest_resources, 1, "unchanged datasets keep their digest");

    let before = location_tags(&exiftool(&input));
    let path = write(dir.path(), "resized.jpg", &out);
    let after = exiftool(&path);
    assert_eq!(location_tags(&after), before, "exiftool reads the same location after a resize");
    assert!(has_value(&after, "XMP-xmp:Label", "KeepExtLabel"), "{after:?}");
    assert!(has_value(&after, "IPTC:Caption-Abstract", "KeepIimCaption"), "{after:?}");
}
