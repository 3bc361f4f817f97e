//! Reads the `.env` files of OneDriveConnector-style upload scripts
//! (`CLIENTID`, `CLIENTSECRET`, `BLOCKSIZE`, `FILENAME`, `ACCESSTOKEN`,
//! `REFRESHTOKEN`) so their users can switch over without a new login.
//!
//! The format is the usual dotenv one: `KEY=VALUE` lines, optional `export `,
//! `#` comments, values in single quotes (taken literally) or double quotes
//! (with `\n`, `\"` and `\\` escapes), unquoted values ending at ` #`.

use crate::config::ClientSecret;
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// What an imported `.env` says. Unknown keys are ignored.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    /// `BLOCKSIZE`: the script's upload fragment size in bytes.
    pub block_size: Option<u64>,
    /// `FILENAME`: the file the script uploaded.
    pub file_name: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for EnvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvFile")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("block_size", &self.block_size)
            .field("file_name", &self.file_name)
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl EnvFile {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::fsio::io_error(path, "cannot read the .env file", e))?;
        Self::parse(&text).map_err(|message| Error::File { path: path.display().to_string(), message })
    }

    /// Parses the text; the error names the line but never echoes a value.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let vars = parse_lines(text)?;
        let get = |k: &str| vars.get(k).filter(|v| !v.is_empty()).cloned();
        let block_size = match get("BLOCKSIZE") {
            None => None,
            Some(v) => Some(v.parse::<u64>().map_err(|_| format!("BLOCKSIZE must be a number of bytes, not '{v}'"))?),
        };
        Ok(Self {
            client_id: get("CLIENTID"),
            client_secret: get("CLIENTSECRET").map(ClientSecret::new),
            block_size,
            file_name: get("FILENAME"),
            access_token: get("ACCESSTOKEN"),
            refresh_token: get("REFRESHTOKEN"),
        })
    }
}

fn parse_lines(text: &str) -> std::result::Result<HashMap<String, String>, String> {
    let mut vars = HashMap::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map(str::trim_start).unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("line {}: expected KEY=VALUE", n + 1));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("line {}: '{key}' is not a variable name", n + 1));
        }
        let value =
            unquote(value.trim()).ok_or_else(|| format!("line {}: the quoted value of {key} is not closed", n + 1))?;
        vars.insert(key.to_owned(), value);
    }
    Ok(vars)
}

/// The value of one line; `None` for an unclosed quote.
fn unquote(value: &str) -> Option<String> {
    if let Some(rest) = value.strip_prefix('\'') {
        return rest.find('\'').map(|end| rest[..end].to_owned());
    }
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        return None;
    }
    // Unquoted: a comment starts at " #", as in shell.
    let end = value.find(" #").unwrap_or(value.len());
    Some(value[..end].trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_comments_and_export_are_understood() {
        let text = "# OneDriveConnector settings\n\
                    export CLIENTID=abc-123\n\
                    CLIENTSECRET='s3cr#t \"x\"'\n\
                    BLOCKSIZE=10485760 # 10 MiB\n\
                    FILENAME=\"My Photos/a \\\"b\\\".jpg\"\n\
                    \n\
                    ACCESSTOKEN=\n\
                    REFRESHTOKEN = \"M.R3_abc\"\n\
                    OTHER=ignored\n";
        let env = EnvFile::parse(text).expect("parses");
        assert_eq!(env.client_id.as_deref(), Some("abc-123"));
        assert_eq!(env.client_secret.as_ref().map(ClientSecret::expose), Some("s3cr#t \"x\""));
        assert_eq!(env.block_size, Some(10_485_760));
        assert_eq!(env.file_name.as_deref(), Some("My Photos/a \"b\".jpg"));
        assert_eq!(env.access_token, None);
        assert_eq!(env.refresh_token.as_deref(), Some("M.R3_abc"));
        assert!(!format!("{env:?}").contains("M.R3_abc"));
    }

    #[test]
    fn errors_name_the_line_without_echoing_secrets() {
        let err = EnvFile::parse("CLIENTID=x\nREFRESHTOKEN=\"unterminated-secret\n").unwrap_err();
        assert!(err.contains("line 2") && !err.contains("unterminated-secret"), "{err}");
        assert!(EnvFile::parse("just text\n").unwrap_err().contains("line 1"));
        assert!(EnvFile::parse("BLOCKSIZE=ten\n").unwrap_err().contains("BLOCKSIZE"));
    }
}
