//! Sharing links: what a front end asks for ([`LinkRequest`]) and what the
//! service gave ([`SharedLink`]). A service may hand back a link that already
//! existed; [`SharedLink::unmet`] says where it differs from the request, so a
//! front end can tell the user rather than pretend.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkAccess {
    View,
    Edit,
}

impl LinkAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Edit => "edit",
        }
    }
}

/// A link to make. The password is a secret: `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkRequest {
    pub access: LinkAccess,
    /// When the link stops working; `None`: never.
    pub expires: Option<DateTime<Utc>>,
    /// A password the link asks for; `None`: anyone with the link.
    pub password: Option<String>,
}

impl LinkRequest {
    /// Anyone with the link may view; no expiry, no password.
    pub fn view() -> Self {
        Self { access: LinkAccess::View, expires: None, password: None }
    }
}

impl std::fmt::Debug for LinkRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRequest")
            .field("access", &self.access)
            .field("expires", &self.expires)
            .field("password", &self.password.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// A link as the service reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedLink {
    pub url: String,
    pub access: LinkAccess,
    pub expires: Option<DateTime<Utc>>,
    /// The link asks for a password.
    pub password: bool,
    /// The service returned a link that existed before this request.
    pub reused: bool,
}

impl SharedLink {
    /// Where this link does not do what `asked` wanted, in words (empty when
    /// it does). Only a reused link can differ; with a password on both sides
    /// a reused link may keep an older one, which is said too.
    pub fn unmet(&self, asked: &LinkRequest) -> Vec<String> {
        let mut out = Vec::new();
        match (asked.access, self.access) {
            (LinkAccess::Edit, LinkAccess::View) => out.push("it lets people view only, not edit".to_owned()),
            (LinkAccess::View, LinkAccess::Edit) => out.push("it lets people edit, not only view".to_owned()),
            _ => {}
        }
        let day = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
        match (&asked.expires, &self.expires) {
            (Some(_), None) => out.push("it never expires".to_owned()),
            (None, Some(at)) => out.push(format!("it expires at {}", day(at))),
            // Services keep whole seconds.
            (Some(want), Some(at)) if (*want - *at).num_seconds().abs() > 1 => {
                out.push(format!("it expires at {}", day(at)))
            }
            _ => {}
        }
        match (asked.password.is_some(), self.password) {
            (true, false) => out.push("it has no password".to_owned()),
            (false, true) => out.push("it asks for a password".to_owned()),
            (true, true) if self.reused => {
                out.push("it already had a password, which may not be the one given now".to_owned())
            }
            _ => {}
        }
        out
    }
}

/// Refuses a request no service would take: an expiry that is not in the
/// future, an empty password.
pub(crate) fn check(request: &LinkRequest) -> crate::Result<()> {
    if request.expires.is_some_and(|at| at <= Utc::now()) {
        return Err(crate::Error::InvalidInput("the link's expiry must be in the future".into()));
    }
    if request.password.as_deref().is_some_and(str::is_empty) {
        return Err(crate::Error::InvalidInput("the link's password is empty".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(access: LinkAccess, expires: Option<DateTime<Utc>>, password: bool) -> SharedLink {
        SharedLink { url: "u".into(), access, expires, password, reused: true }
    }

    #[test]
    fn a_reused_link_says_where_it_differs() {
        let asked = LinkRequest { access: LinkAccess::Edit, expires: Some(Utc::now()), password: Some("x".into()) };
        let unmet = link(LinkAccess::View, None, false).unmet(&asked);
        assert_eq!(unmet, ["it lets people view only, not edit", "it never expires", "it has no password"]);
        assert!(link(LinkAccess::View, None, false).unmet(&LinkRequest::view()).is_empty());
        let with_password = link(LinkAccess::View, None, true).unmet(&LinkRequest::view());
        assert_eq!(with_password, ["it asks for a password"]);
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let asked = LinkRequest { password: Some("hunter2".into()), ..LinkRequest::view() };
        assert!(!format!("{asked:?}").contains("hunter2"));
    }
}
