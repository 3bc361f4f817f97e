//! Shared links on Dropbox: `sharing/create_shared_link_with_settings`. When
//! the item already has a link, Dropbox answers 409 `shared_link_already_exists`
//! (with the link's metadata, or without: then `list_shared_links` with
//! `direct_only` finds it, as the spec suggests); that link is returned as it
//! is, marked `reused`, with its own settings. A Basic account may not set an
//! expiry or a password (`settings_error/not_authorized`).

use super::client::{api_error, api_path, service_error, DropboxClient};
use super::types::{
    CreateSharedLinkArg, LinkSettings, ListSharedLinksArg, ListSharedLinksResult, SharedLinkMetadata, Tag,
};
use crate::sharing::{LinkAccess, LinkRequest, SharedLink};
use crate::{Error, Result, ServiceKind};
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

pub(super) async fn share_link(
    client: &DropboxClient,
    path: &str,
    request: &LinkRequest,
    cancel: &CancellationToken,
) -> Result<SharedLink> {
    let p = api_path(path);
    if p.is_empty() {
        return Err(Error::InvalidInput("Dropbox does not share the whole Dropbox; name a folder or a file".into()));
    }
    let arg = CreateSharedLinkArg {
        path: &p,
        settings: LinkSettings {
            audience: Tag { tag: "public" },
            access: Tag {
                tag: match request.access {
                    LinkAccess::View => "viewer",
                    LinkAccess::Edit => "editor",
                },
            },
            require_password: request.password.as_ref().map(|_| true),
            link_password: request.password.as_deref(),
            expires: request.expires.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        },
    };
    let reply = client.rpc("sharing/create_shared_link_with_settings", Some(&arg), cancel).await?;
    if reply.is_success() {
        return Ok(link(reply.json(ServiceKind::Dropbox)?, false));
    }
    let (tags, error) = api_error(&reply);
    match tags.first().map(String::as_str) {
        Some("shared_link_already_exists") if reply.status == 409 => {
            let given = error.pointer("/shared_link_already_exists/metadata").cloned();
            match given.and_then(|m| serde_json::from_value::<SharedLinkMetadata>(m).ok()) {
                Some(existing) => Ok(link(existing, true)),
                None => existing_link(client, &p, cancel).await,
            }
        }
        Some("settings_error") if tags.iter().any(|t| t == "not_authorized") => Err(Error::NotInPlan {
            service: ServiceKind::Dropbox,
            message: "this Dropbox account cannot put a password or an expiry date on a link \
                      (Dropbox offers them on paid plans)"
                .into(),
        }),
        Some("settings_error") => Err(Error::InvalidInput(
            "Dropbox refused the link's settings (an expiry in the past, or an empty password)".into(),
        )),
        Some("path") if tags.iter().any(|t| t == "not_found") => Err(Error::Service {
            service: ServiceKind::Dropbox,
            status: reply.status,
            code: tags.join("/"),
            message: format!("nothing is at {p}"),
        }),
        _ => Err(service_error(&reply)),
    }
}

/// The link the item already has (`list_shared_links`, direct links only).
async fn existing_link(client: &DropboxClient, path: &str, cancel: &CancellationToken) -> Result<SharedLink> {
    let arg = ListSharedLinksArg { path, direct_only: true };
    let reply = client.rpc("sharing/list_shared_links", Some(&arg), cancel).await?;
    if !reply.is_success() {
        return Err(service_error(&reply));
    }
    let listed: ListSharedLinksResult = reply.json(ServiceKind::Dropbox)?;
    let wanted = path.to_lowercase();
    let found = listed.links.into_iter().find(|l| l.path_lower.as_deref().is_none_or(|p| p == wanted));
    found.map(|l| link(l, true)).ok_or_else(|| Error::Service {
        service: ServiceKind::Dropbox,
        status: 409,
        code: "shared_link_already_exists".into(),
        message: format!("Dropbox says {path} already has a link but does not list it"),
    })
}

fn link(m: SharedLinkMetadata, reused: bool) -> SharedLink {
    let perms = &m.link_permissions;
    let is = |v: &Option<super::types::TagValue>, tag: &str| v.as_ref().is_some_and(|t| t.tag == tag);
    let password = perms.require_password.unwrap_or(false)
        || is(&perms.resolved_visibility, "password")
        || is(&perms.effective_audience, "password");
    SharedLink {
        access: if is(&perms.link_access_level, "editor") { LinkAccess::Edit } else { LinkAccess::View },
        expires: m.expires.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc)),
        password,
        reused,
        url: m.url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_becomes_a_link_with_its_own_settings() {
        let m: SharedLinkMetadata = serde_json::from_str(
            r#"{".tag":"file","url":"https://www.dropbox.com/scl/fi/x/a.jpg?dl=0","name":"a.jpg",
                "expires":"2030-01-02T03:04:05Z","link_permissions":{"can_revoke":true,
                "resolved_visibility":{".tag":"password"},"link_access_level":{".tag":"viewer"}}}"#,
        )
        .unwrap();
        let l = link(m, true);
        assert_eq!(l.access, LinkAccess::View);
        assert!(l.password && l.reused);
        assert_eq!(l.expires.unwrap().timestamp(), 1_893_553_445);
    }
}
