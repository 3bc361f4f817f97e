//! App registrations (`--registrations FILE`): which apps the two services know,
//! with the settings of their registration pages that decide what a login may do.
//! Without the file every client id, redirect URI and scope is accepted.
//!
//! ```toml
//! [[onedrive]]
//! client_id = "..."
//! name = "dkcloud"
//! redirect_uris = ["http://localhost"]
//! audience = "both"                # personal | organizations | both
//! public_client_flows = true
//! permissions = ["Files.ReadWrite", "User.Read", "offline_access"]
//!
//! [[dropbox]]
//! app_key = "..."
//! name = "dkcloud"
//! redirect_uris = ["http://localhost:53682/"]
//! permissions = ["account_info.read", "files.content.write"]
//! access = "full"                  # app_folder | full
//! ```

use serde::Deserialize;
use std::path::Path;

/// "Supported account types" of a Microsoft app registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Personal Microsoft accounts only (`signInAudience` `PersonalMicrosoftAccount`).
    Personal,
    /// Work and school accounts of any directory (`AzureADMultipleOrgs`).
    Organizations,
    /// Both (`AzureADandPersonalMicrosoftAccount`).
    #[default]
    Both,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicrosoftApp {
    pub client_id: String,
    #[serde(default)]
    name: Option<String>,
    /// "Mobile and desktop applications" redirect URIs.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub audience: Audience,
    /// "Allow public client flows" (device code); off on a new registration.
    #[serde(default)]
    pub public_client_flows: bool,
    /// Configured delegated permissions; a new registration has `User.Read`.
    #[serde(default = "default_microsoft_permissions")]
    pub permissions: Vec<String>,
}

/// Dropbox's "Permission type".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    AppFolder,
    #[default]
    Full,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropboxApp {
    pub app_key: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// The scopes ticked on the Permissions tab; every scoped app has `account_info.read`.
    #[serde(default = "default_dropbox_permissions")]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub access: Access,
}

fn default_microsoft_permissions() -> Vec<String> {
    vec!["User.Read".to_owned()]
}

fn default_dropbox_permissions() -> Vec<String> {
    vec!["account_info.read".to_owned()]
}

impl MicrosoftApp {
    /// The display name error texts use: the registration's, else the client id.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.client_id)
    }
}

impl DropboxApp {
    /// The app's name; an app-folder app's folder is `/Apps/<name>`.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.app_key)
    }

    pub fn has_permission(&self, scope: &str) -> bool {
        self.permissions.iter().any(|p| p == scope)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registrations {
    #[serde(default)]
    onedrive: Vec<MicrosoftApp>,
    #[serde(default)]
    dropbox: Vec<DropboxApp>,
}

impl Registrations {
    /// Reads and checks the file; the error says what is wrong (the caller names the file).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let regs: Registrations = toml::from_str(text).map_err(|e| e.to_string())?;
        regs.validate()?;
        Ok(regs)
    }

    fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for id in self.onedrive.iter().map(|a| &a.client_id).chain(self.dropbox.iter().map(|a| &a.app_key)) {
            if id.trim().is_empty() {
                return Err("a client_id or app_key is empty".to_owned());
            }
            if !seen.insert(id) {
                return Err(format!("'{id}' is registered twice"));
            }
        }
        if let Some(app) = self.dropbox.iter().find(|a| a.name().contains(['/', '\\']) || a.name().trim().is_empty()) {
            return Err(format!("the Dropbox app '{}' has a name that cannot be a folder name", app.app_key));
        }
        Ok(())
    }

    pub fn microsoft(&self, client_id: &str) -> Option<&MicrosoftApp> {
        self.onedrive.iter().find(|a| a.client_id == client_id)
    }

    pub fn dropbox(&self, app_key: &str) -> Option<&DropboxApp> {
        self.dropbox.iter().find(|a| a.app_key == app_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_those_of_a_new_registration() {
        let regs = Registrations::parse("[[onedrive]]\nclient_id = \"a\"\n[[dropbox]]\napp_key = \"k\"\n").unwrap();
        let ms = regs.microsoft("a").unwrap();
        assert_eq!((ms.name(), ms.audience, ms.public_client_flows), ("a", Audience::Both, false));
        assert_eq!(ms.permissions, ["User.Read"]);
        let db = regs.dropbox("k").unwrap();
        assert_eq!((db.name(), db.access), ("k", Access::Full));
        assert!(db.has_permission("account_info.read"));
    }

    #[test]
    fn mistakes_are_refused_with_a_reason() {
        for (text, why) in [
            ("[[onedrive]]\nname = \"x\"\n", "client_id"),
            ("[[onedrive]]\nclient_id = \"a\"\naudience = \"everyone\"\n", "audience"),
            ("[[dropbox]]\napp_key = \"k\"\nacess = \"full\"\n", "acess"),
            ("[[dropbox]]\napp_key = \"k\"\n[[dropbox]]\napp_key = \"k\"\n", "twice"),
            ("[[dropbox]]\napp_key = \"k\"\nname = \"a/b\"\n", "folder name"),
        ] {
            let err = Registrations::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }
}
