//! Dropbox API v2 wire types (only the fields dkcloud reads or sends).

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub(crate) struct FullAccount {
    pub name: Name,
    pub email: Option<String>,
    pub root_info: Option<RootInfo>,
}

/// common.stone `RootInfo` (`team` or `user`): the root namespace is "the
/// namespace ID of the shared team root if the user is member of a team with
/// a separate team root", and `home_path` "the path for user's home directory
/// under the shared team root".
#[derive(Debug, Deserialize)]
pub(crate) struct RootInfo {
    pub root_namespace_id: String,
    pub home_namespace_id: String,
    pub home_path: Option<String>,
}

impl RootInfo {
    /// Where the user's own files are below the root the web site shows: ""
    /// when the root is the home, the home path in a team space, `None` when
    /// the root differs and no home path says where the home is.
    pub(crate) fn home_in_root(&self) -> Option<String> {
        if self.root_namespace_id == self.home_namespace_id {
            return Some(String::new());
        }
        self.home_path.as_ref().map(|p| p.trim_end_matches('/').to_owned())
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Name {
    pub display_name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpaceUsage {
    pub used: u64,
    pub allocation: Option<Allocation>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Allocation {
    pub allocated: Option<u64>,
}

/// File or folder metadata (`.tag` is `file`, `folder` or `deleted`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Metadata {
    #[serde(rename = ".tag", default)]
    pub tag: String,
    pub name: String,
    pub path_display: Option<String>,
    #[serde(default)]
    pub size: u64,
    pub content_hash: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ListFolderArg<'a> {
    pub path: &'a str,
    pub recursive: bool,
    pub limit: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct CursorArg<'a> {
    pub cursor: &'a str,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListFolderResult {
    pub entries: Vec<Metadata>,
    pub cursor: String,
    pub has_more: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct PathArg<'a> {
    pub path: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct CreateFolderArg<'a> {
    pub path: &'a str,
    pub autorename: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateFolderResult {
    pub metadata: Metadata,
}

#[derive(Debug, Serialize)]
pub(crate) struct StartArg {
    pub close: bool,
    /// The hash of this call's bytes: the service refuses them if they differ
    /// (`content_hash_mismatch`, files.stone `UploadSessionStartArg`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// `concurrent` for a session that takes chunks in parallel; absent: sequential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_type: Option<SessionType>,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub(crate) enum SessionType {
    Concurrent,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StartResult {
    pub session_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cursor {
    pub session_id: String,
    pub offset: u64,
}

#[derive(Debug, Serialize)]
pub(crate) struct AppendArg<'a> {
    pub cursor: &'a Cursor,
    pub close: bool,
    /// The hash of this call's bytes (files.stone `UploadSessionAppendArg`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CommitInfo {
    pub path: String,
    /// `add` or `overwrite`.
    pub mode: &'static str,
    pub autorename: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_modified: Option<String>,
    pub mute: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FinishEntry {
    pub cursor: Cursor,
    pub commit: CommitInfo,
}

#[derive(Debug, Serialize)]
pub(crate) struct FinishBatchArg<'a> {
    pub entries: &'a [FinishEntry],
}

#[derive(Debug, Deserialize)]
pub(crate) struct FinishBatchResult {
    pub entries: Vec<serde_json::Value>,
}

/// A void union member as an argument: `{".tag": "viewer"}`.
#[derive(Debug, Serialize)]
pub(crate) struct Tag {
    #[serde(rename = ".tag")]
    pub tag: &'static str,
}

/// `sharing/create_shared_link_with_settings`.
#[derive(Debug, Serialize)]
pub(crate) struct CreateSharedLinkArg<'a> {
    pub path: &'a str,
    pub settings: LinkSettings<'a>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LinkSettings<'a> {
    pub audience: Tag,
    pub access: Tag,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_password: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_password: Option<&'a str>,
    /// Whole seconds, UTC (`2015-05-12T15:50:38Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// `sharing/list_shared_links`.
#[derive(Debug, Serialize)]
pub(crate) struct ListSharedLinksArg<'a> {
    pub path: &'a str,
    pub direct_only: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListSharedLinksResult {
    pub links: Vec<SharedLinkMetadata>,
}

/// `SharedLinkMetadata` (only what dkcloud reads).
#[derive(Debug, Deserialize)]
pub(crate) struct SharedLinkMetadata {
    pub url: String,
    pub expires: Option<String>,
    pub path_lower: Option<String>,
    #[serde(default)]
    pub link_permissions: LinkPermissions,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LinkPermissions {
    pub link_access_level: Option<TagValue>,
    pub resolved_visibility: Option<TagValue>,
    pub effective_audience: Option<TagValue>,
    pub require_password: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TagValue {
    #[serde(rename = ".tag")]
    pub tag: String,
}

/// An endpoint error: `{"error_summary": ..., "error": {".tag": ...}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default)]
    pub error_summary: String,
    #[serde(default)]
    pub error: serde_json::Value,
}
