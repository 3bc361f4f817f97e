//! Parsing of Graph drive URLs. The `root:/a/b:/content` syntax does not fit a
//! router pattern, so the whole path after `/v1.0/` is parsed here.

use super::error::{GraphError, GraphResult};
use crate::ONEDRIVE_DRIVE_ID;

/// What a `/v1.0/...` URL addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    Me,
    /// `/me/drives` (and `/drives`): the list of the user's drives.
    Drives,
    Drive,
    Item(ItemRef),
}

/// An item addressed by root or id, optionally followed by a path relative to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ItemRef {
    pub base: Base,
    /// Percent-decoded path after `root:` / `items/{id}:`, as given.
    pub rel: Option<String>,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Base {
    Root,
    Id(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Action {
    Metadata,
    Children,
    Content,
    CreateUploadSession,
    CreateLink,
    /// `.../permissions`: the item's sharing permissions.
    Permissions,
    /// `.../permissions/{id}`: one of them.
    Permission(String),
}

fn decode(raw: &str) -> GraphResult<String> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| GraphError::invalid_request("The path is not valid UTF-8 after percent-decoding."))
}

fn unknown_segment(segment: &str) -> GraphError {
    GraphError::invalid_request(format!("Resource not found for the segment '{segment}'."))
}

/// Parses the raw (still percent-encoded) URL path, `/v1.0/` included.
pub(super) fn parse(raw_path: &str) -> GraphResult<Route> {
    let rest = raw_path.strip_prefix("/v1.0/").ok_or_else(|| unknown_segment(raw_path))?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest == "me" {
        return Ok(Route::Me);
    }
    if rest == "me/drives" || rest == "drives" {
        return Ok(Route::Drives);
    }
    // `/me/drives/{id}/...` and `/drives/{id}/...` are the drive `/me/drive/...` is.
    let tail = if let Some(after) = rest.strip_prefix("me/drives/").or_else(|| rest.strip_prefix("drives/")) {
        let (id, tail) = after.split_at(after.find('/').unwrap_or(after.len()));
        if !decode(id)?.eq_ignore_ascii_case(ONEDRIVE_DRIVE_ID) {
            return Err(GraphError::not_found());
        }
        tail
    } else if let Some(tail) = rest.strip_prefix("me/drive").filter(|t| t.is_empty() || t.starts_with('/')) {
        tail
    } else {
        return Err(unknown_segment(rest.split('/').next().unwrap_or(rest)));
    };
    if tail.is_empty() {
        return Ok(Route::Drive);
    }
    let tail = tail.strip_prefix('/').ok_or_else(|| unknown_segment(tail))?;
    let (base, after) = if let Some(after) = tail.strip_prefix("root") {
        (Base::Root, after)
    } else if let Some(after) = tail.strip_prefix("items/") {
        let end = after.find([':', '/']).unwrap_or(after.len());
        let id = decode(&after[..end])?;
        if id.is_empty() {
            return Err(GraphError::invalid_request("An item id is required after 'items/'."));
        }
        let base = if id.eq_ignore_ascii_case("root") { Base::Root } else { Base::Id(id) };
        (base, &after[end..])
    } else {
        return Err(unknown_segment(tail.split('/').next().unwrap_or(tail)));
    };
    let (rel, after) = match after.strip_prefix(':') {
        Some(path_part) => match path_part.find(':') {
            Some(end) => (Some(decode(&path_part[..end])?), &path_part[end + 1..]),
            None => (Some(decode(path_part)?), ""),
        },
        None => (None, after),
    };
    let action = match after {
        "" | "/" => Action::Metadata,
        "/children" => Action::Children,
        "/content" => Action::Content,
        "/createUploadSession" | "/microsoft.graph.createUploadSession" => Action::CreateUploadSession,
        "/createLink" | "/microsoft.graph.createLink" => Action::CreateLink,
        "/permissions" => Action::Permissions,
        other => match other.strip_prefix("/permissions/").filter(|id| !id.is_empty() && !id.contains('/')) {
            Some(id) => Action::Permission(decode(id)?),
            None => return Err(unknown_segment(other.trim_start_matches('/'))),
        },
    };
    // `root:` with an empty path addresses the root itself.
    let rel = rel.filter(|r| !r.trim_matches('/').is_empty());
    Ok(Route::Item(ItemRef { base, rel, action }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(base: Base, rel: Option<&str>, action: Action) -> Route {
        Route::Item(ItemRef { base, rel: rel.map(str::to_owned), action })
    }

    #[test]
    fn parses_the_addressing_forms() {
        assert_eq!(parse("/v1.0/me").unwrap(), Route::Me);
        assert_eq!(parse("/v1.0/me/drive").unwrap(), Route::Drive);
        assert_eq!(parse(&format!("/v1.0/drives/{ONEDRIVE_DRIVE_ID}")).unwrap(), Route::Drive);
        assert_eq!(parse("/v1.0/me/drive/root").unwrap(), item(Base::Root, None, Action::Metadata));
        assert_eq!(parse("/v1.0/me/drive/root/children").unwrap(), item(Base::Root, None, Action::Children));
        assert_eq!(
            parse("/v1.0/me/drive/root:/a%20b/c.jpg:/content").unwrap(),
            item(Base::Root, Some("/a b/c.jpg"), Action::Content)
        );
        assert_eq!(parse("/v1.0/me/drive/root:/a/b").unwrap(), item(Base::Root, Some("/a/b"), Action::Metadata));
        assert_eq!(parse("/v1.0/me/drive/root:/a:").unwrap(), item(Base::Root, Some("/a"), Action::Metadata));
        assert_eq!(
            parse("/v1.0/me/drive/items/X!1:/n.jpg:/createUploadSession").unwrap(),
            item(Base::Id("X!1".into()), Some("/n.jpg"), Action::CreateUploadSession)
        );
        assert_eq!(
            parse("/v1.0/me/drive/items/X%211/children").unwrap(),
            item(Base::Id("X!1".into()), None, Action::Children)
        );
        assert_eq!(parse("/v1.0/me/drive/items/root").unwrap(), item(Base::Root, None, Action::Metadata));
        assert_eq!(
            parse("/v1.0/me/drive/root:/a/b.jpg:/createLink").unwrap(),
            item(Base::Root, Some("/a/b.jpg"), Action::CreateLink)
        );
        assert_eq!(
            parse("/v1.0/me/drive/items/X!1/permissions/p%201").unwrap(),
            item(Base::Id("X!1".into()), None, Action::Permission("p 1".into()))
        );
        assert_eq!(
            parse("/v1.0/me/drive/items/X!1/permissions").unwrap(),
            item(Base::Id("X!1".into()), None, Action::Permissions)
        );
    }

    #[test]
    fn me_drives_with_an_id_is_the_drive() {
        let id = ONEDRIVE_DRIVE_ID;
        assert_eq!(parse("/v1.0/me/drives").unwrap(), Route::Drives);
        assert_eq!(parse(&format!("/v1.0/me/drives/{id}")).unwrap(), Route::Drive);
        assert_eq!(parse(&format!("/v1.0/me/drives/{id}/root")).unwrap(), item(Base::Root, None, Action::Metadata));
        assert_eq!(
            parse(&format!("/v1.0/me/drives/{}/items/X!1/children", id.to_uppercase())).unwrap(),
            item(Base::Id("X!1".into()), None, Action::Children)
        );
        assert_eq!(parse("/v1.0/me/drives/other/root").unwrap_err().code, "itemNotFound");
        assert_eq!(parse("/v1.0/me/drivesx").unwrap_err().code, "invalidRequest");
    }

    #[test]
    fn refuses_other_drives_and_segments() {
        assert_eq!(parse("/v1.0/drives/other/root").unwrap_err().code, "itemNotFound");
        assert_eq!(parse("/v1.0/me/drive/root/bogus").unwrap_err().code, "invalidRequest");
        assert_eq!(parse("/v1.0/users").unwrap_err().code, "invalidRequest");
    }
}
