//! `onedrive:/Photos/2026` and `dropbox:/Photos` on the command line.

use dkcloud_engine::ServiceKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteArg {
    pub(crate) service: ServiceKind,
    /// Absolute, `/`-separated, no trailing slash except for the root.
    pub(crate) path: String,
}

pub(crate) fn parse(s: &str) -> Result<RemoteArg, String> {
    let (service, path) = s
        .split_once(':')
        .ok_or_else(|| format!("'{s}' is not a remote: write onedrive:/path or dropbox:/path"))?;
    let service: ServiceKind = service.parse()?;
    let mut clean = String::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." {
            return Err(format!("'{s}': '.' and '..' are not allowed in a remote path"));
        }
        clean.push('/');
        clean.push_str(part);
    }
    if clean.is_empty() {
        clean.push('/');
    }
    Ok(RemoteArg { service, path: clean })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_parse_with_clean_paths() {
        assert_eq!(parse("onedrive:/Photos/2026/").unwrap().path, "/Photos/2026");
        assert_eq!(parse("dropbox:").unwrap().path, "/");
        assert_eq!(parse("Dropbox:a//b").unwrap(), RemoteArg { service: ServiceKind::Dropbox, path: "/a/b".into() });
        assert!(parse("/tmp/x").is_err());
        assert!(parse("gdrive:/x").is_err());
        assert!(parse("onedrive:/a/../b").is_err());
    }
}
