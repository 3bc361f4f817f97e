//! Microsoft Graph wire types (only the fields dkcloud reads or sends).

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User {
    pub display_name: Option<String>,
    pub mail: Option<String>,
    pub user_principal_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Drive {
    pub quota: Option<DriveQuota>,
    /// `personal`, `business` or `documentLibrary`.
    pub drive_type: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DriveQuota {
    pub used: Option<u64>,
    pub total: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DriveItem {
    pub name: String,
    #[serde(default)]
    pub size: u64,
    pub folder: Option<serde_json::Value>,
    pub file: Option<FileFacet>,
    #[serde(rename = "webUrl")]
    pub web_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FileFacet {
    pub hashes: Option<Hashes>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Hashes {
    pub quick_xor_hash: Option<String>,
}

impl DriveItem {
    pub(crate) fn quick_xor_hash(&self) -> Option<&str> {
        self.file.as_ref()?.hashes.as_ref()?.quick_xor_hash.as_deref()
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Children {
    pub value: Vec<DriveItem>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct NewFolder<'a> {
    pub name: &'a str,
    pub folder: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "@microsoft.graph.conflictBehavior")]
    pub conflict_behavior: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct CreateSession {
    pub item: SessionItem,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionItem {
    #[serde(rename = "@microsoft.graph.conflictBehavior")]
    pub conflict_behavior: &'static str,
    pub file_size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_system_info: Option<FileSystemInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FileSystemInfo {
    pub last_modified_date_time: String,
    /// The local file's creation time, where the file system keeps one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
}

/// `PATCH` of a drive item's `fileSystemInfo` (after a simple upload).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TimesUpdate {
    pub file_system_info: FileSystemInfo,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadSession {
    pub upload_url: Option<String>,
    #[serde(default)]
    pub next_expected_ranges: Vec<String>,
}

impl UploadSession {
    /// The first byte the server still wants (`"N-"` or `"N-M"`).
    pub(crate) fn next_offset(&self) -> Option<u64> {
        let first = self.next_expected_ranges.first()?;
        first.split('-').next()?.trim().parse().ok()
    }
}

/// `POST .../createLink`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateLink<'a> {
    #[serde(rename = "type")]
    pub link_type: &'static str,
    pub scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date_time: Option<String>,
}

/// A `permission` carrying a sharing link.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Permission {
    #[serde(default)]
    pub roles: Vec<String>,
    pub link: Option<SharingLink>,
    pub expiration_date_time: Option<String>,
    #[serde(default)]
    pub has_password: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SharingLink {
    #[serde(rename = "type")]
    pub link_type: Option<String>,
    pub web_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
    /// Real responses spell it `innerError` (learn.microsoft.com/graph/errors);
    /// some older services and documents `innererror`.
    #[serde(rename = "innerError", alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InnerError {
    pub code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// learn.microsoft.com/graph/errors: the inner code is in `innerError`;
    /// `innererror` is still read, for services that spell it so.
    #[test]
    fn error_body_reads_the_inner_code_under_either_spelling() {
        for key in ["innerError", "innererror"] {
            let raw = format!(
                r#"{{"error":{{"code":"invalidRequest","message":"m","{key}":{{"code":"fragmentOverlap","request-id":"r","client-request-id":"c","date":"2026-12-05T00:00:00Z"}}}}}}"#
            );
            let body: ErrorBody = serde_json::from_str(&raw).expect(key);
            assert_eq!(body.error.inner_error.and_then(|i| i.code).as_deref(), Some("fragmentOverlap"), "{key}");
        }
    }

    #[test]
    fn next_offset_reads_open_and_closed_ranges() {
        let s: UploadSession = serde_json::from_str(r#"{"nextExpectedRanges":["26214400-"]}"#).unwrap();
        assert_eq!(s.next_offset(), Some(26_214_400));
        let s: UploadSession = serde_json::from_str(r#"{"nextExpectedRanges":["12-55","77-"]}"#).unwrap();
        assert_eq!(s.next_offset(), Some(12));
        let s: UploadSession = serde_json::from_str(r#"{"uploadUrl":"https://x"}"#).unwrap();
        assert_eq!(s.next_offset(), None);
    }

    #[test]
    fn session_request_carries_conflict_size_and_mtime() {
        let body = CreateSession {
            item: SessionItem {
                conflict_behavior: "rename",
                file_size: 7,
                file_system_info: Some(FileSystemInfo {
                    last_modified_date_time: "2024-01-02T03:04:05Z".into(),
                    created_date_time: None,
                }),
            },
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"item": {"@microsoft.graph.conflictBehavior": "rename", "fileSize": 7,
                "fileSystemInfo": {"lastModifiedDateTime": "2024-01-02T03:04:05Z"}}})
        );
    }
}
