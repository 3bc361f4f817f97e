//! `SharedLinkSettings` as `create_shared_link_with_settings` reads them, and
//! the `SharedLinkMetadata` a link is described with.
//!
//! Settings: `requested_visibility` (`public`, `team_only`, `password`), the
//! newer `audience` (`public`, `team`, `no_one`, `password`, `members`) and
//! `require_password`, `link_password`, `expires`, `access` (`viewer`,
//! `editor`, `max`), `allow_download`. A personal account has no team; a Basic
//! account (`--plan free`) may not set an expiry or a password
//! (`settings_error/not_authorized`, as the spec says of basic users).

use super::args::tag_of;
use super::errors::{nested, void, ApiError, ApiResult};
use crate::links::{Access, SharedLink};
use crate::origin::Origin;
use crate::web::encode_path;
use crate::Plan;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

/// What the settings ask for, checked.
pub(super) struct Settings {
    pub access: Access,
    pub password: Option<String>,
    pub expires: Option<DateTime<Utc>>,
}

fn settings_error(tag: &str) -> ApiError {
    ApiError::Endpoint(nested("settings_error", void(tag)))
}

fn bad(field: &str, detail: &str) -> ApiError {
    ApiError::BadInput(format!("request body: settings: {field}: {detail}"))
}

fn union_tag<'a>(settings: &'a Value, field: &str) -> ApiResult<Option<&'a str>> {
    match settings.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => tag_of(v).map(Some).ok_or_else(|| bad(field, "expected a union tag")),
    }
}

pub(super) fn read(settings: Option<&Value>, plan: Plan) -> ApiResult<Settings> {
    let empty = json!({});
    let settings = match settings {
        None | Some(Value::Null) => &empty,
        Some(v) if v.is_object() => v,
        Some(_) => return Err(bad("settings", "expected an object")),
    };
    let visibility = union_tag(settings, "requested_visibility")?;
    let audience = union_tag(settings, "audience")?;
    for tag in visibility.iter().chain(audience.iter()) {
        match *tag {
            "public" | "password" => {}
            // A personal account has no team to limit a link to.
            "team_only" | "team" | "members" | "no_one" => return Err(settings_error("not_authorized")),
            other => return Err(bad("audience", &format!("unknown tag '{other}'"))),
        }
    }
    let require_password = settings.get("require_password").and_then(Value::as_bool).unwrap_or(false)
        || visibility == Some("password")
        || audience == Some("password");
    let password = match settings.get("link_password") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(_) => return Err(bad("link_password", "expected a string")),
    };
    if require_password && password.as_deref().is_none_or(str::is_empty) {
        return Err(settings_error("invalid_settings"));
    }
    let password = if require_password { password } else { None };
    let expires = match settings.get("expires") {
        None | Some(Value::Null) => None,
        Some(Value::String(raw)) => {
            let at = DateTime::parse_from_rfc3339(raw)
                .map_err(|_| bad("expires", &format!("'{raw}' is not a timestamp like 2015-05-12T15:50:38Z")))?
                .with_timezone(&Utc);
            if at <= Utc::now() {
                return Err(settings_error("invalid_settings"));
            }
            Some(at)
        }
        Some(_) => return Err(bad("expires", "expected a string")),
    };
    if plan == Plan::Free && (password.is_some() || expires.is_some()) {
        return Err(settings_error("not_authorized"));
    }
    let access = match union_tag(settings, "access")? {
        None | Some("viewer") => Access::View,
        Some("editor" | "max") => Access::Edit,
        Some(other) => return Err(bad("access", &format!("unknown tag '{other}'"))),
    };
    Ok(Settings { access, password, expires })
}

/// Dropbox timestamps: UTC, whole seconds.
fn timestamp(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The link's address: `/scl/fi/...` for a file, `/scl/fo/...` for a folder.
pub(super) fn url(origin: &Origin, link: &SharedLink, name: &str, is_dir: bool) -> String {
    let kind = if is_dir { "fo" } else { "fi" };
    format!("{origin}/scl/{kind}/{}{}?dl=0", link.token, encode_path(name))
}

/// `SharedLinkMetadata` of `link`, from the item's own metadata (`describe`).
pub(super) fn link_metadata(origin: &Origin, link: &SharedLink, item: &Value, plan: Plan) -> Value {
    let is_dir = item[".tag"] == "folder";
    let name = item["name"].as_str().unwrap_or_default();
    let mut m = Map::new();
    m.insert(".tag".into(), json!(if is_dir { "folder" } else { "file" }));
    m.insert("url".into(), json!(url(origin, link, name, is_dir)));
    for key in ["id", "name", "path_lower", "client_modified", "server_modified", "rev", "size"] {
        if let Some(v) = item.get(key) {
            m.insert(key.into(), v.clone());
        }
    }
    if let Some(at) = &link.expires {
        m.insert("expires".into(), json!(timestamp(at)));
    }
    let visibility = if link.has_password() { "password" } else { "public" };
    let premium = plan == Plan::Premium;
    let level = match link.access {
        Access::View => "viewer",
        Access::Edit => "editor",
    };
    m.insert(
        "link_permissions".into(),
        json!({
            "can_revoke": true,
            "resolved_visibility": {".tag": visibility},
            "requested_visibility": {".tag": visibility},
            "effective_audience": {".tag": visibility},
            "link_access_level": {".tag": level},
            "require_password": link.has_password(),
            "allow_download": true,
            "can_allow_download": true,
            "can_disallow_download": premium,
            "can_set_expiry": premium,
            "can_remove_expiry": premium,
            "can_set_password": premium,
            "can_remove_password": premium,
            "allow_comments": true,
            "team_restricts_comments": false,
            "can_use_extended_sharing_controls": premium,
        }),
    );
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(e: ApiError) -> String {
        match e {
            ApiError::Endpoint(v) => super::super::errors::summary(&v),
            ApiError::BadInput(t) => format!("400 {t}"),
            _ => "other".into(),
        }
    }

    #[test]
    fn basic_accounts_may_not_set_expiry_or_password() {
        let later = (Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let with_expiry = json!({"expires": later});
        let with_password = json!({"requested_visibility": "password", "link_password": "x"});
        for s in [&with_expiry, &with_password] {
            assert_eq!(tag(read(Some(s), Plan::Free).err().unwrap()), "settings_error/not_authorized/..");
            assert!(read(Some(s), Plan::Premium).is_ok());
        }
        let no_password = json!({"audience": {".tag": "password"}});
        assert_eq!(tag(read(Some(&no_password), Plan::Premium).err().unwrap()), "settings_error/invalid_settings/..");
        let past = json!({"expires": "2001-01-01T00:00:00Z"});
        assert_eq!(tag(read(Some(&past), Plan::Premium).err().unwrap()), "settings_error/invalid_settings/..");
        assert_eq!(read(Some(&json!({"access": "editor"})), Plan::Free).ok().map(|s| s.access), Some(Access::Edit));
        assert_eq!(read(None, Plan::Free).ok().map(|s| s.access), Some(Access::View));
    }
}
