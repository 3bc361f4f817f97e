//! Which cloud service.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    OneDrive,
    Dropbox,
}

impl std::fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServiceKind::OneDrive => "OneDrive",
            ServiceKind::Dropbox => "Dropbox",
        })
    }
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 2] = [ServiceKind::OneDrive, ServiceKind::Dropbox];

    /// The service's lowercase id: `onedrive:` remotes, `[onedrive]` in
    /// config.toml, the key of its secrets.
    pub fn id(self) -> &'static str {
        match self {
            ServiceKind::OneDrive => "onedrive",
            ServiceKind::Dropbox => "dropbox",
        }
    }
}

impl std::str::FromStr for ServiceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "onedrive" => Ok(ServiceKind::OneDrive),
            "dropbox" => Ok(ServiceKind::Dropbox),
            other => Err(format!("unknown service '{other}' (expected onedrive or dropbox)")),
        }
    }
}
