//! Behaviour of photo preparation, on photos the tests make themselves.

mod fixtures;
mod location;

use std::io::Cursor;
use std::path::Path;

use dkcloud_prepare::{
    prepare_file, prepare_stream, Destination, Payload, PrepareError, PrepareOptions, Prepared,
};
use fixtures::*;
use turbojpeg::{PixelFormat, Subsamp};

fn options(resize: Option<u32>, quality: u8) -> PrepareOptions {
    PrepareOptions {
        resize,
        quality,
        ..PrepareOptions::default()
    }
}

fn bytes_of(prepared: &Prepared) -> Vec<u8> {
    match &prepared.payload {
        Payload::Bytes(b) => b.clone(),
        Payload::Source(p) | Payload::Written(p) => std::fs::read(p).unwrap(),
    }
}

fn prepare(path: &Path, options: &PrepareOptions) -> Prepared {
    prepare_file(path, options, &Destination::Memory).unwrap()
}

fn read_exif(jpeg: &[u8]) -> exif::Exif {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(jpeg))
        .expect("output has EXIF")
}

fn exif_uint(exif: &exif::Exif, tag: exif::Tag) -> Option<u32> {
    exif.get_field(tag, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
}

/// Where the displayed top-left (red) and top-right (green) corners are stored, per orientation.
const STORED_CORNERS: [(u16, &str, &str); 8] = [
    (1, "TL", "TR"),
    (2, "TR", "TL"),
    (3, "BR", "BL"),
    (4, "BL", "BR"),
    (5, "TL", "BL"),
    (6, "BL", "TL"),
    (7, "BR", "TR"),
    (8, "TR", "BR"),
];

/// A photo as a camera stores it with `orientation`: the display's top-left
/// corner marked red and top-right green (squares of `mark` px) once turned
/// upright, `display` being its upright size.
fn stored_rotated(
    dir: &std::path::Path,
    orientation: u16,
    display: (usize, usize),
    (red_at, green_at): (&str, &str),
    mark: usize,
) -> std::path::PathBuf {
    let (w, h) = if orientation >= 5 { (display.1, display.0) } else { display };
    let mut canvas = Canvas::filled(w, h, GRAY);
    canvas.mark(red_at, mark, RED);
    canvas.mark(green_at, mark, GREEN);
    let tiff = exif_block(&ExifSpec { orientation, pixel_size: (w as u32, h as u32), gps: false });
    let jpeg = with_segments(&canvas.jpeg(95), &[exif_segment(&tiff)]);
    write(dir, &format!("o{orientation}.jpg"), &jpeg)
}

/// Red top-left, green top-right, grey below (corners sampled `sample` px in).
fn assert_upright(image: &turbojpeg::Image<Vec<u8>>, orientation: u16, sample: usize) {
    let at = |corner| corner_colour(image, corner, sample);
    assert!(near(at("TL"), RED), "orientation {orientation}: top-left is {:?}", at("TL"));
    assert!(near(at("TR"), GREEN), "orientation {orientation}: top-right is {:?}", at("TR"));
    assert!(near(at("BL"), GRAY) && near(at("BR"), GRAY), "orientation {orientation}");
}

#[test]
fn every_exif_orientation_ends_upright_with_the_tag_reset() {
    let dir = tempfile::tempdir().unwrap();
    let (display_w, display_h) = (96, 64);
    for (orientation, red_at, green_at) in STORED_CORNERS {
        let path = stored_rotated(dir.path(), orientation, (display_w, display_h), (red_at, green_at), 16);

        let out = bytes_of(&prepare(&path, &options(None, 95)));
        let image = decode(&out);
        assert_eq!(
            (image.width, image.height),
            (display_w, display_h),
            "orientation {orientation}"
        );
        assert_upright(&image, orientation, 8);
        let exif = read_exif(&out);
        assert_eq!(
            exif_uint(&exif, exif::Tag::Orientation),
            Some(1),
            "orientation {orientation}"
        );
    }
}

/// The displayed (x, y) of a photo stored `w` x `h` with `orientation`: where it is
/// stored (EXIF 2.32, tag 0x0112: e.g. 6, the 0th row is the visual right-hand side).
fn stored_at(orientation: u16, (w, h): (usize, usize), x: usize, y: usize) -> (usize, usize) {
    match orientation {
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (y, h - 1 - x),
        7 => (w - 1 - y, h - 1 - x),
        8 => (w - 1 - y, x),
        _ => (x, y),
    }
}

/// Mean absolute difference per sample between `out` (displayed) and `source`
/// (stored, decoded) turned upright: over the whole image, then over 8-pixel strips
/// along its left, right, top and bottom edges.
fn turned_errors(out: &turbojpeg::Image<Vec<u8>>, source: &turbojpeg::Image<Vec<u8>>, orientation: u16) -> [f64; 5] {
    let (w, h) = (out.width, out.height);
    let stored = (source.width, source.height);
    let mut sums = [(0f64, 0usize); 5];
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = stored_at(orientation, stored, x, y);
            let diff: f64 = (0..3)
                .map(|c| (out.pixels[y * out.pitch + x * 3 + c] as f64 - source.pixels[sy * source.pitch + sx * 3 + c] as f64).abs())
                .sum();
            let strips = [true, x < 8, x >= w - 8, y < 8, y >= h - 8];
            for (sum, inside) in sums.iter_mut().zip(strips) {
                if inside {
                    sum.0 += diff;
                    sum.1 += 3;
                }
            }
        }
    }
    sums.map(|(total, count)| total / count as f64)
}

/// Turned photos are encoded block by block while they are decoded; the result is as
/// faithful as an upright photo's re-encoding, also in the blocks along the edges
/// that are partly padding (odd sizes: the padding of a turned block must be on the
/// displayed right and bottom, whichever stored edge those come from). Both chroma
/// samplings (4:2:0 below quality 90, 4:4:4 from 90) and gray.
#[test]
fn turned_photos_are_encoded_as_faithfully_as_upright_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (203, 131);
    // Gentle gradients and the same noise everywhere (no wrap-around edges), so every
    // part of the photo is as hard to encode as any other.
    let mut canvas = Canvas::filled(w, h, GRAY);
    let mut seed = 0x9e37_79b9u32;
    for (i, px) in canvas.rgb.chunks_mut(3).enumerate() {
        let (x, y) = (i % w, i / w);
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 48) as usize;
        px.copy_from_slice(&[(x * 150 / w + noise) as u8, (y * 150 / h + noise + 40) as u8, ((x + y) * 100 / (w + h) + noise + 20) as u8]);
    }
    let gray: Vec<u8> = canvas.rgb.chunks(3).map(|p| p[0] / 2 + p[1] / 3 + p[2] / 6).collect();
    let sources = [
        ("rgb", canvas.jpeg(98)),
        ("gray", encode(&gray, w, h, PixelFormat::GRAY, 98, Subsamp::Gray, false)),
    ];
    for (kind, source) in sources {
        for quality in [85, 95] {
            let mut upright = None;
            for orientation in 1..=8u16 {
                let tiff = exif_block(&ExifSpec { orientation, pixel_size: (w as u32, h as u32), gps: false });
                let path = write(dir.path(), &format!("{kind}{orientation}.jpg"), &with_segments(&source, &[exif_segment(&tiff)]));
                let out = decode(&bytes_of(&prepare(&path, &options(None, quality))));
                let shown = if orientation >= 5 { (h, w) } else { (w, h) };
                assert_eq!((out.width, out.height), shown, "{kind} q{quality} orientation {orientation}");
                let errors = turned_errors(&out, &decode(&source), orientation);
                let reference = *upright.get_or_insert(errors);
                for (what, (error, upright_error)) in ["whole", "left", "right", "top", "bottom"].iter().zip(errors.iter().zip(reference)) {
                    assert!(
                        *error <= upright_error.max(reference[0]) * 1.3 + 0.5,
                        "{kind} q{quality} orientation {orientation}, {what}: {error:.2} per sample, upright {upright_error:.2}"
                    );
                }
            }
        }
    }
}

#[test]
fn shrunk_photos_also_end_upright_with_their_new_size_in_exif() {
    let dir = tempfile::tempdir().unwrap();
    let (display_w, display_h) = (768, 512);
    for (orientation, red_at, green_at) in STORED_CORNERS {
        let path = stored_rotated(dir.path(), orientation, (display_w, display_h), (red_at, green_at), 128);

        // 1/2 DCT scaling (384 px), then resampling to 300 px.
        let prepared = prepare(&path, &options(Some(300), 85));
        assert_eq!(
            prepared.dimensions,
            Some((300, 200)),
            "orientation {orientation}"
        );
        let out = bytes_of(&prepared);
        let image = decode(&out);
        assert_eq!(
            (image.width, image.height),
            (300, 200),
            "orientation {orientation}"
        );
        assert_upright(&image, orientation, 16);
        let exif = read_exif(&out);
        assert_eq!(exif_uint(&exif, exif::Tag::Orientation), Some(1));
        assert_eq!(exif_uint(&exif, exif::Tag::PixelXDimension), Some(300));
        assert_eq!(exif_uint(&exif, exif::Tag::PixelYDimension), Some(200));
    }
}

#[test]
fn shrinks_to_the_longest_side_and_never_enlarges() {
    let dir = tempfile::tempdir().unwrap();
    let landscape = write(
        dir.path(),
        "wide.jpg",
        &Canvas::textured(1200, 800).jpeg(90),
    );
    let portrait = write(dir.path(), "tall.jpg", &Canvas::textured(600, 900).jpeg(90));

    let small = prepare(&landscape, &options(Some(300), 85));
    assert_eq!(small.dimensions, Some((300, 200)));
    let image = decode(&bytes_of(&small));
    assert_eq!((image.width, image.height), (300, 200));

    // 1/2 DCT scaling then resampling: 1200 -> 600 -> 500.
    assert_eq!(
        prepare(&landscape, &options(Some(500), 85)).dimensions,
        Some((500, 333))
    );
    assert_eq!(
        prepare(&portrait, &options(Some(300), 85)).dimensions,
        Some((200, 300))
    );
    assert_eq!(
        prepare(&landscape, &options(Some(5000), 85)).dimensions,
        Some((1200, 800))
    );
    assert_eq!(
        prepare(&landscape, &options(None, 85)).dimensions,
        Some((1200, 800))
    );
}

#[test]
fn exif_is_kept_with_new_pixel_dimensions_and_gps() {
    let dir = tempfile::tempdir().unwrap();
    let tiff = exif_block(&ExifSpec {
        orientation: 6,
        pixel_size: (800, 1200),
        gps: true,
    });
    let jpeg = with_segments(
        &Canvas::textured(800, 1200).jpeg(90),
        &[exif_segment(&tiff)],
    );
    let path = write(dir.path(), "gps.jpg", &jpeg);

    let prepared = prepare(&path, &options(Some(600), 85));
    assert_eq!(prepared.dimensions, Some((600, 400)));
    let exif = read_exif(&bytes_of(&prepared));
    assert_eq!(exif_uint(&exif, exif::Tag::Orientation), Some(1));
    assert_eq!(exif_uint(&exif, exif::Tag::PixelXDimension), Some(600));
    assert_eq!(exif_uint(&exif, exif::Tag::PixelYDimension), Some(400));
    let make = exif.get_field(exif::Tag::Make, exif::In::PRIMARY).unwrap();
    assert!(make
        .display_value()
        .to_string()
        .contains("dkcloud test camera"));
    let latitude = exif
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .expect("GPS kept");
    assert!(latitude.display_value().to_string().starts_with("48"));
}

#[test]
fn strip_location_removes_gps_from_exif_and_xmp() {
    let dir = tempfile::tempdir().unwrap();
    let tiff = exif_block(&ExifSpec {
        orientation: 1,
        pixel_size: (640, 480),
        gps: true,
    });
    let jpeg = with_segments(
        &Canvas::textured(640, 480).jpeg(90),
        &[exif_segment(&tiff), xmp_segment(&xmp_packet())],
    );
    let path = write(dir.path(), "where.jpg", &jpeg);
    let opts = PrepareOptions {
        strip_location: true,
        ..options(Some(320), 85)
    };

    let out = bytes_of(&prepare(&path, &opts));
    let exif = read_exif(&out);
    assert!(exif
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_none());
    assert!(exif
        .get_field(exif::Tag::GPSInfoIFDPointer, exif::In::PRIMARY)
        .is_none());
    assert_eq!(exif_uint(&exif, exif::Tag::PixelXDimension), Some(320));
    assert!(
        exif.get_field(exif::Tag::Make, exif::In::PRIMARY).is_some(),
        "other tags stay"
    );
    // The coordinates are gone from the bytes, not merely unreferenced.
    let latitude_bytes: Vec<u8> = LATITUDE.iter().flat_map(|v| v.to_le_bytes()).collect();
    assert!(!out
        .windows(latitude_bytes.len())
        .any(|w| w == latitude_bytes));
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains("GPSLatitude") && !text.contains("GPSLongitude"));
    assert!(
        text.contains("xmp:Rating=\"4\""),
        "the rest of the XMP stays"
    );
}

#[test]
fn xmp_and_a_multi_segment_icc_profile_survive() {
    let dir = tempfile::tempdir().unwrap();
    let icc = fake_icc(b"RGB ", 150_000);
    let mut segments = vec![xmp_segment(&xmp_packet())];
    segments.extend(icc_segments(&icc));
    let jpeg = with_segments(&Canvas::textured(640, 480).jpeg(90), &segments);
    let path = write(dir.path(), "profiled.jpg", &jpeg);

    let out = bytes_of(&prepare(&path, &options(Some(320), 85)));
    let (got_icc, got_xmp) = read_icc_and_xmp(&out);
    assert_eq!(got_icc.len(), icc.len());
    assert!(got_icc == icc, "ICC profile kept byte for byte");
    let xmp = String::from_utf8(got_xmp.expect("XMP kept")).unwrap();
    assert!(
        xmp.contains("exif:GPSLatitude=\"48,51.5N\""),
        "GPS kept without strip_location"
    );
    assert!(xmp.contains("exif:PixelXDimension=\"320\""));
    assert!(xmp.contains("<tiff:Orientation>1</tiff:Orientation>"));
    assert!(xmp.contains("xmp:Rating=\"4\""));
}

/// Reassembles the ICC profile and finds the XMP packet in a JPEG header.
fn read_icc_and_xmp(jpeg: &[u8]) -> (Vec<u8>, Option<Vec<u8>>) {
    let (mut icc, mut xmp, mut pos) = (Vec::new(), None, 2);
    while jpeg[pos] == 0xFF && jpeg[pos + 1] != 0xDA {
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        let body = &jpeg[pos + 4..pos + 2 + len];
        if jpeg[pos + 1] == 0xE2 && body.starts_with(b"ICC_PROFILE\0") {
            icc.extend_from_slice(&body[14..]);
        }
        let xmp_header = b"http://ns.adobe.com/xap/1.0/\0";
        if jpeg[pos + 1] == 0xE1 && body.starts_with(xmp_header) {
            xmp = Some(body[xmp_header.len()..].to_vec());
        }
        pos += 2 + len;
    }
    (icc, xmp)
}

#[test]
fn cmyk_jpeg_becomes_rgb_and_loses_its_cmyk_profile() {
    let dir = tempfile::tempdir().unwrap();
    // Adobe-style inverted samples: 255 means no ink. Full magenta + yellow = red.
    let (w, h) = (64, 48);
    let cmyk: Vec<u8> = [255u8, 0, 0, 255].repeat(w * h);
    let jpeg = encode(&cmyk, w, h, PixelFormat::CMYK, 95, Subsamp::None, false);
    let jpeg = with_segments(&jpeg, &icc_segments(&fake_icc(b"CMYK", 4000)));
    let path = write(dir.path(), "print.jpg", &jpeg);

    let prepared = prepare(&path, &options(None, 90));
    let out = bytes_of(&prepared);
    let image = decode(&out);
    assert!(
        near(corner_colour(&image, "TL", 8), [255, 0, 0]),
        "{:?}",
        corner_colour(&image, "TL", 8)
    );
    assert!(
        read_icc_and_xmp(&out).0.is_empty(),
        "a CMYK profile must not describe RGB pixels"
    );
    assert!(prepared.notices.iter().any(|n| n.contains("CMYK")));
}

#[test]
fn grayscale_and_progressive_jpegs_are_prepared() {
    let dir = tempfile::tempdir().unwrap();
    let gray: Vec<u8> = (0..400 * 300).map(|i| (i % 251) as u8).collect();
    let gray_jpeg = encode(&gray, 400, 300, PixelFormat::GRAY, 90, Subsamp::Gray, false);
    let gray_path = write(dir.path(), "gray.jpg", &gray_jpeg);
    let out = bytes_of(&prepare(&gray_path, &options(Some(200), 85)));
    let header = turbojpeg::read_header(&out).unwrap();
    assert_eq!((header.width, header.height), (200, 150));
    assert_eq!(
        header.colorspace,
        turbojpeg::Colorspace::Gray,
        "gray stays gray"
    );

    let canvas = Canvas::textured(400, 300);
    let progressive = encode(
        &canvas.rgb,
        400,
        300,
        PixelFormat::RGB,
        90,
        Subsamp::Sub2x2,
        true,
    );
    assert!(turbojpeg::read_header(&progressive).unwrap().is_progressive);
    let path = write(dir.path(), "progressive.jpeg", &progressive);
    let prepared = prepare(&path, &options(Some(100), 85));
    assert_eq!(prepared.dimensions, Some((100, 75)));
    assert_eq!(
        prepared.remote_name, "progressive.jpeg",
        "a JPEG keeps its name"
    );
}

#[test]
fn sixteen_bit_png_with_alpha_is_flattened_on_white() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (80u32, 60u32);
    let image = image::ImageBuffer::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgba([60000u16, 0, 0, 65535]) // opaque red
        } else {
            image::Rgba([0u16, 0, 65535, 0]) // fully transparent blue
        }
    });
    let path = dir.path().join("logo.png");
    image::DynamicImage::ImageRgba16(image).save(&path).unwrap();

    let prepared = prepare(&path, &options(None, 95));
    assert_eq!(prepared.remote_name, "logo.jpg");
    assert!(prepared.converted);
    let out = decode(&bytes_of(&prepared));
    assert_eq!((out.width, out.height), (80, 60));
    assert!(
        near(corner_colour(&out, "TL", 8), [233, 0, 0]),
        "{:?}",
        corner_colour(&out, "TL", 8)
    );
    assert!(
        near(corner_colour(&out, "TR", 8), [255, 255, 255]),
        "{:?}",
        corner_colour(&out, "TR", 8)
    );
}

#[test]
fn tiff_and_webp_are_converted_to_jpg() {
    let dir = tempfile::tempdir().unwrap();
    let canvas = Canvas::textured(300, 200);
    let buffer = image::RgbImage::from_raw(300, 200, canvas.rgb.clone()).unwrap();
    for name in ["scan.tif", "web.webp"] {
        let path = dir.path().join(name);
        image::DynamicImage::ImageRgb8(buffer.clone())
            .save(&path)
            .unwrap();
        let prepared = prepare(&path, &options(Some(150), 85));
        assert_eq!(prepared.dimensions, Some((150, 100)), "{name}");
        assert!(prepared.remote_name.ends_with(".jpg"), "{name}");
        assert_eq!(
            turbojpeg::read_header(&bytes_of(&prepared)).unwrap().width,
            150
        );
    }
}

#[test]
fn lower_quality_gives_a_smaller_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "q.jpg", &Canvas::textured(800, 600).jpeg(95));
    let size = |q| bytes_of(&prepare(&path, &options(None, q))).len();
    let (low, mid, high) = (size(30), size(70), size(95));
    assert!(low < mid && mid < high, "{low} {mid} {high}");
}

#[test]
fn original_is_uploaded_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let tiff = exif_block(&ExifSpec {
        orientation: 6,
        pixel_size: (640, 480),
        gps: true,
    });
    let source = with_segments(&Canvas::textured(640, 480).jpeg(90), &[exif_segment(&tiff)]);
    let path = write(dir.path(), "keep.JPG", &source);
    let opts = PrepareOptions {
        original: true,
        strip_location: true,
        ..options(Some(100), 50)
    };

    let prepared = prepare(&path, &opts);
    assert_eq!(prepared.payload, Payload::Source(path.clone()));
    assert!(!prepared.converted);
    assert_eq!(prepared.remote_name, "keep.JPG");
    let copied =
        prepare_file(&path, &opts, &Destination::Directory(out_dir.path().into())).unwrap();
    assert_eq!(
        std::fs::read(out_dir.path().join("keep.JPG")).unwrap(),
        source
    );
    assert_eq!(bytes_of(&copied), source);
}

#[test]
fn raw_and_heic_are_uploaded_as_originals_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    // A CR2 is TIFF inside: it must not be taken for a TIFF and converted.
    let raw = write(
        dir.path(),
        "IMG_0001.CR2",
        b"II*\0\x10\0\0\0CR\x02\0 raw sensor data",
    );
    let heic = write(
        dir.path(),
        "IMG_0002.HEIC",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    );
    for path in [raw, heic] {
        let prepared = prepare(&path, &options(Some(1024), 85));
        assert_eq!(prepared.payload, Payload::Source(path.clone()));
        assert_eq!(
            prepared.remote_name,
            path.file_name().unwrap().to_str().unwrap()
        );
        assert_eq!(prepared.notices.len(), 1, "{:?}", prepared.notices);
        assert!(prepared.notices[0].contains("uploaded as the original"));
    }
}

#[test]
fn videos_and_other_files_are_untouched_and_silent() {
    let dir = tempfile::tempdir().unwrap();
    let video = write(
        dir.path(),
        "clip.mp4",
        b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2 movie data",
    );
    let notes = write(dir.path(), "notes.txt", b"not a photo");
    for path in [video, notes] {
        let prepared = prepare(&path, &options(Some(1024), 85));
        assert_eq!(prepared.payload, Payload::Source(path.clone()));
        assert!(prepared.notices.is_empty() && !prepared.converted);
    }
}

#[test]
fn truncated_or_mislabelled_images_fail_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = Canvas::textured(640, 480).jpeg(90);
    let truncated = write(dir.path(), "cut.jpg", &jpeg[..jpeg.len() / 2]);
    let fake = write(dir.path(), "fake.jpg", b"this is not a jpeg at all");
    for path in [truncated, fake] {
        let err = prepare_file(&path, &options(Some(320), 85), &Destination::Memory).unwrap_err();
        assert!(matches!(err, PrepareError::Corrupt { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains(path.file_name().unwrap().to_str().unwrap()),
            "{message}"
        );
        assert!(message.contains("damaged or incomplete"), "{message}");
    }
}

#[test]
fn out_of_range_quality_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "q.jpg", &Canvas::textured(64, 64).jpeg(90));
    for quality in [0, 101] {
        let err = prepare_file(&path, &options(None, quality), &Destination::Memory).unwrap_err();
        assert!(matches!(err, PrepareError::InvalidOptions(_)));
    }
}

#[test]
fn batch_prepares_every_file_and_reports_each_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let jpeg = Canvas::textured(400, 300).jpeg(90);
    let mut paths: Vec<_> = (0..6)
        .map(|i| write(dir.path(), &format!("p{i}.jpg"), &jpeg))
        .collect();
    paths.push(write(dir.path(), "broken.jpg", &jpeg[..jpeg.len() / 3]));
    paths.push(write(
        dir.path(),
        "movie.mov",
        b"\0\0\0\x14ftypqt  \0\0\0\0qt  ",
    ));

    let destination = Destination::Directory(out_dir.path().into());
    let mut results = prepare_stream(paths.clone(), options(Some(200), 80), destination, 2, 2);
    let mut seen = Vec::new();
    while let Some(item) = results.blocking_recv() {
        assert_eq!(item.path, paths[item.index]);
        seen.push((item.index, item.result.is_ok()));
    }
    seen.sort();
    let expected: Vec<_> = (0..8).map(|i| (i, i != 6)).collect();
    assert_eq!(seen, expected);
    for i in 0..6 {
        let written = std::fs::read(out_dir.path().join(format!("p{i}.jpg"))).unwrap();
        assert_eq!(turbojpeg::read_header(&written).unwrap().width, 200);
    }
    assert!(out_dir.path().join("movie.mov").exists());
}

#[test]
fn batch_feeds_an_async_consumer() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = Canvas::textured(300, 200).jpeg(90);
    let paths: Vec<_> = (0..4)
        .map(|i| write(dir.path(), &format!("a{i}.jpg"), &jpeg))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let count = runtime.block_on(async move {
        let mut results = prepare_stream(paths, options(Some(100), 80), Destination::Memory, 2, 1);
        let mut count = 0;
        while let Some(item) = results.recv().await {
            assert!(matches!(item.result.unwrap().payload, Payload::Bytes(_)));
            count += 1;
        }
        count
    });
    assert_eq!(count, 4);
}
