//! Sharing links on OneDrive: `POST .../createLink` on the item, addressed by
//! path (`/me/drive/root:/a/b:/createLink`, which Graph resolves to the item).
//! Graph answers 201 with a new link, or 200 with the existing link of the
//! same type, scope and settings.
//!
//! Refusals are worded by what the drive is (`GET /me/drive`'s `driveType`),
//! following driveitem-createlink: on personal OneDrive a password or an
//! expiry needs Microsoft 365 (403 `notAllowed` without); a password is
//! "OneDrive Personal only", so on a work or school drive it is refused here,
//! before asking; there "anonymous link support may be disabled by an
//! administrator", which is the organisation's policy, not the plan.

use super::client::{parse_error, service_error, OneDrive};
use super::types::{CreateLink, Drive, Permission};
use crate::http::Auth;
use crate::remote::normalize;
use crate::sharing::{LinkAccess, LinkRequest, SharedLink};
use crate::{Error, Result, ServiceKind};
use chrono::{DateTime, SecondsFormat, Utc};
use tokio_util::sync::CancellationToken;

pub(super) async fn share_link(
    drive: &OneDrive,
    path: &str,
    request: &LinkRequest,
    cancel: &CancellationToken,
) -> Result<SharedLink> {
    let path = normalize(path);
    let personal = || async move { drive_type(drive, cancel).await.map(|t| t == "personal") };
    if request.password.is_some() && !personal().await? {
        return Err(Error::NotInPlan {
            service: ServiceKind::OneDrive,
            message: "a work or school OneDrive puts no password on a link an app makes (only personal OneDrive does)"
                .into(),
        });
    }
    let body = CreateLink {
        link_type: request.access.as_str(),
        scope: "anonymous",
        password: request.password.as_deref(),
        expiration_date_time: request.expires.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
    };
    let body = serde_json::to_vec(&body).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let url = drive.item_url(&path, "/createLink");
    let client = drive.transport.client().clone();
    let reply = drive
        .transport
        .send(cancel, Auth::Bearer, "create a sharing link", |_| {
            Ok(client.post(&url).header("content-type", "application/json").body(body.clone()))
        })
        .await?;
    match reply.status {
        200 | 201 => link(reply.json(ServiceKind::OneDrive)?, reply.status == 200),
        403 => Err(refusal(&reply, request, personal().await?)),
        404 => Err(Error::Service {
            service: ServiceKind::OneDrive,
            status: 404,
            code: "itemNotFound".into(),
            message: format!("nothing is at {path}"),
        }),
        _ => Err(service_error(&reply)),
    }
}

/// The drive's `driveType`: `personal`, `business` or `documentLibrary`.
async fn drive_type(drive: &OneDrive, cancel: &CancellationToken) -> Result<String> {
    let reply = drive.get(&format!("{}/me/drive", drive.base), "read the drive's kind", cancel).await?;
    if !reply.is_success() {
        return Err(service_error(&reply));
    }
    Ok(reply.json::<Drive>(ServiceKind::OneDrive)?.drive_type.unwrap_or_default())
}

/// A createLink 403 in words for what it is.
fn refusal(reply: &crate::http::Reply, request: &LinkRequest, personal: bool) -> Error {
    let said = parse_error(reply);
    let plan_settings = request.password.is_some() || request.expires.is_some();
    if personal && plan_settings && said.code == "notAllowed" {
        return Error::NotInPlan {
            service: ServiceKind::OneDrive,
            message: "this OneDrive account cannot put a password or an expiry date on a link \
                      (OneDrive offers them with Microsoft 365)"
                .into(),
        };
    }
    if !personal {
        return Error::SharingPolicy {
            service: ServiceKind::OneDrive,
            message: format!(
                "your organisation does not allow links that anyone can open on its OneDrive \
                 (its administrator can allow them; OneDrive said: {})",
                said.message
            ),
        };
    }
    service_error(reply)
}

fn link(permission: Permission, reused: bool) -> Result<SharedLink> {
    let missing = || Error::Service {
        service: ServiceKind::OneDrive,
        status: 200,
        code: "invalidResponse".into(),
        message: "the service answered without a link address".into(),
    };
    let sharing = permission.link.ok_or_else(missing)?;
    let url = sharing.web_url.ok_or_else(missing)?;
    let edit = sharing.link_type.as_deref() == Some("edit") || permission.roles.iter().any(|r| r == "write");
    let expires = permission
        .expiration_date_time
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    Ok(SharedLink {
        url,
        access: if edit { LinkAccess::Edit } else { LinkAccess::View },
        expires,
        password: permission.has_password,
        reused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permission_becomes_a_link() {
        let p: Permission = serde_json::from_str(
            r#"{"id":"1","roles":["write"],"link":{"type":"edit","scope":"anonymous","webUrl":"https://1drv.ms/x"},
                "hasPassword":true,"expirationDateTime":"2030-01-02T03:04:05Z"}"#,
        )
        .unwrap();
        let l = link(p, true).unwrap();
        assert_eq!(l.url, "https://1drv.ms/x");
        assert_eq!(l.access, LinkAccess::Edit);
        assert!(l.password && l.reused);
        assert_eq!(l.expires.unwrap().to_rfc3339(), "2030-01-02T03:04:05+00:00");
        let bare: Permission = serde_json::from_str(r#"{"roles":["read"]}"#).unwrap();
        assert!(link(bare, false).is_err());
    }
}
