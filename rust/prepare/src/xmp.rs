//! Plain-text edits of an XMP packet for the simple forms digiKam and cameras write:
//! a property as an attribute (`exif:PixelXDimension="6000"`) or as a simple element
//! (`<tiff:Orientation>6</tiff:Orientation>`). Anything more complex is left alone.

/// Sets the value of `name` wherever it appears in one of the two simple forms.
pub fn set_property(xmp: &str, name: &str, value: &str) -> String {
    let mut out = String::with_capacity(xmp.len());
    let mut rest = xmp;
    while let Some(found) = find_property(rest, name) {
        out.push_str(&rest[..found.value_start]);
        out.push_str(value);
        rest = &rest[found.value_end..];
    }
    out.push_str(rest);
    out
}

/// The value of `name` in one of the two simple forms, if present.
pub fn property<'a>(xmp: &'a str, name: &str) -> Option<&'a str> {
    find_property(xmp, name).map(|f| &xmp[f.value_start..f.value_end])
}

/// Location properties, each removed with everything inside it: the GPS
/// properties of the EXIF schema; IPTC Core's `Location` and `CountryCode`;
/// Photoshop's `City`, `State`, `Country`; IPTC Extension's `LocationCreated`
/// and `LocationShown` (structures holding `City`, `ProvinceState`,
/// `CountryName`, `CountryCode`, `Sublocation`, `WorldRegion`, `LocationId`,
/// `LocationName` and GPS), and those fields wherever else they stand.
pub const LOCATION_PREFIXES: [&str; 16] = [
    "exif:GPS",
    "Iptc4xmpCore:Location",
    "Iptc4xmpCore:CountryCode",
    "photoshop:City",
    "photoshop:State",
    "photoshop:Country",
    "Iptc4xmpExt:LocationCreated",
    "Iptc4xmpExt:LocationShown",
    "Iptc4xmpExt:City",
    "Iptc4xmpExt:ProvinceState",
    "Iptc4xmpExt:CountryName",
    "Iptc4xmpExt:CountryCode",
    "Iptc4xmpExt:Sublocation",
    "Iptc4xmpExt:WorldRegion",
    "Iptc4xmpExt:LocationId",
    "Iptc4xmpExt:LocationName",
];

/// Removes every location property (see [`LOCATION_PREFIXES`]).
pub fn remove_location(xmp: &str) -> String {
    LOCATION_PREFIXES.iter().fold(xmp.to_owned(), |text, prefix| remove_properties(&text, prefix))
}

/// Removes every property whose qualified name starts with `prefix` (such as `exif:GPS`).
pub fn remove_properties(xmp: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(xmp.len());
    let mut rest = xmp;
    loop {
        let element = rest.find(&format!("<{prefix}"));
        let attribute = find_attribute_start(rest, prefix);
        let (start, end) = match (element, attribute) {
            (Some(e), Some(a)) if a < e => attribute_span(rest, a),
            (Some(e), _) => element_span(rest, e),
            (None, Some(a)) => attribute_span(rest, a),
            (None, None) => break,
        };
        out.push_str(&rest[..start]);
        if end <= start {
            // Not a form we understand: keep the text and move on.
            out.push_str(&rest[start..start + 1]);
            rest = &rest[start + 1..];
        } else {
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

struct Found {
    value_start: usize,
    value_end: usize,
}

fn find_property(text: &str, name: &str) -> Option<Found> {
    let attr = find_attribute_start(text, name).and_then(|at| {
        let after = &text[at + name.len()..];
        let eq = after.find(|c: char| !c.is_whitespace())?;
        if !after[eq..].starts_with('=') {
            return None;
        }
        let after_eq = &after[eq + 1..];
        let q = after_eq.find(|c: char| !c.is_whitespace())?;
        let quote = after_eq[q..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')?;
        let value_start = at + name.len() + eq + 1 + q + 1;
        let value_end = value_start + text[value_start..].find(quote)?;
        Some(Found {
            value_start,
            value_end,
        })
    });
    let open = format!("<{name}>");
    let elem = text.find(&open).and_then(|at| {
        let value_start = at + open.len();
        let value_end = value_start + text[value_start..].find(&format!("</{name}>"))?;
        Some(Found {
            value_start,
            value_end,
        })
    });
    match (attr, elem) {
        (Some(a), Some(e)) => Some(if a.value_start < e.value_start { a } else { e }),
        (a, e) => a.or(e),
    }
}

/// Start of an attribute whose name begins with `prefix`, preceded by whitespace.
fn find_attribute_start(text: &str, prefix: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(prefix) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_whitespace()) {
            let after = &text[at..];
            let name_len =
                after.find(|c: char| c == '=' || c.is_whitespace() || c == '>' || c == '/')?;
            if after[name_len..].trim_start().starts_with('=') {
                return Some(at);
            }
        }
        from = at + prefix.len();
    }
    None
}

/// Span of ` name="value"` including the whitespace before it.
fn attribute_span(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].trim_end().len();
    let after = &text[at..];
    let Some(eq) = after.find('=') else {
        return (at, at);
    };
    let value = after[eq + 1..].trim_start();
    let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return (at, at);
    };
    let value_offset = at + eq + 1 + (after[eq + 1..].len() - value.len()) + 1;
    match text[value_offset..].find(quote) {
        Some(close) => (start, value_offset + close + 1),
        None => (at, at),
    }
}

/// Span of `<name ...>...</name>` or `<name .../>`, including the indentation before it.
fn element_span(text: &str, at: usize) -> (usize, usize) {
    let after = &text[at + 1..];
    let Some(name_len) = after.find(|c: char| c == '>' || c == '/' || c.is_whitespace()) else {
        return (at, at);
    };
    let name = &after[..name_len];
    let Some(tag_end) = after.find('>') else {
        return (at, at);
    };
    let start = text[..at].trim_end_matches([' ', '\t']).len();
    let start = if text[..start].ends_with('\n') {
        start - 1
    } else {
        start
    };
    if after[..tag_end].ends_with('/') {
        return (start, at + 1 + tag_end + 1);
    }
    let close = format!("</{name}>");
    match text[at..].find(&close) {
        Some(c) => (start, at + c + close.len()),
        None => (at, at),
    }
}
