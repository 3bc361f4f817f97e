//! The bridge between the digiKam plugin (C++/Qt) and the dkcloud engine.
//!
//! Only type conversion and forwarding live here. Every function the C++ side
//! can call returns `Result` (a `rust::Error` on the C++ side) and runs inside
//! `catch_unwind`, so a bug in the engine shows up as an error message in the
//! dialog instead of taking digiKam down. Long work runs on a tokio runtime
//! created on first use (loading the plugin costs nothing); its progress comes
//! back through the C++ `UploadEvents` interface.

mod guard;
mod job;
mod runtime;
mod session;

pub use job::UploadJob;
pub use session::{accounts, open_session, ExportSession};

#[cxx::bridge(namespace = "dkcloud::ffi")]
pub mod bridge {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Service {
        OneDrive,
        Dropbox,
    }

    /// The app registration typed in the plugin's settings. Empty fields fall
    /// back to dkcloud's config.toml; `DKCLOUD_*` environment variables win
    /// over both.
    #[derive(Debug, Clone, Default)]
    struct AppRegistration {
        client_id: String,
        client_secret: String,
        tenant: String,
    }

    #[derive(Debug, Clone)]
    struct UploadOptions {
        resize: bool,
        jpeg_quality: u32,
        max_dimension: u32,
        upload_original: bool,
    }

    /// A local file, its path as raw bytes (`QFile::encodeName`) so that
    /// names that are not UTF-8 survive.
    #[derive(Debug, Clone)]
    struct LocalFile {
        path: Vec<u8>,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum FileState {
        Waiting,
        Uploading,
        Done,
        Failed,
        Cancelled,
    }

    /// One file changed state or advanced; `index` is its position in the
    /// list given to `startUpload`.
    #[derive(Debug, Clone)]
    struct FileEvent {
        index: usize,
        state: FileState,
        bytes_sent: u64,
        bytes_total: u64,
        /// Why it failed, in words for the user; empty otherwise.
        message: String,
        /// Where it was stored, once done.
        remote_path: String,
    }

    #[derive(Debug, Clone, Default)]
    struct JobProgress {
        files_total: usize,
        files_done: usize,
        files_failed: usize,
        bytes_total: u64,
        bytes_sent: u64,
        bytes_per_second: f64,
        /// Seconds left, or -1 when not known yet.
        eta_seconds: i64,
    }

    #[derive(Debug, Clone, Default)]
    struct JobSummary {
        files_uploaded: usize,
        files_failed: usize,
        cancelled: bool,
        folder: String,
        /// The folder on the service's web site, empty when unknown.
        folder_web_url: String,
        /// A failure of the job as a whole (not of one file), else empty.
        message: String,
    }

    unsafe extern "C++" {
        include!("dkcloud-ffi/include/events.h");

        type LoginEvents;
        #[cxx_name = "openUrl"]
        fn open_url(self: &LoginEvents, url: &str);

        type UploadEvents;
        #[cxx_name = "fileChanged"]
        fn file_changed(self: &UploadEvents, event: &FileEvent);
        fn progress(self: &UploadEvents, progress: &JobProgress);
        fn finished(self: &UploadEvents, summary: &JobSummary);
    }

    extern "Rust" {
        /// One service and account: login, folders, starting uploads.
        type ExportSession;
        /// A running upload; dropping it cancels it.
        type UploadJob;

        /// `account` empty: the last account used with this service, if any.
        #[cxx_name = "openSession"]
        fn open_session(service: Service, registration: &AppRegistration, account: &str) -> Result<Box<ExportSession>>;
        /// Accounts logged in before, for the account combo.
        fn accounts(service: Service) -> Result<Vec<String>>;

        /// Runs the browser login (blocking: call it off the GUI thread);
        /// `events.openUrl` is asked to show the sign-in page. Returns the
        /// account name and makes it this session's account.
        fn login(self: &ExportSession, events: SharedPtr<LoginEvents>) -> Result<String>;
        #[cxx_name = "cancelLogin"]
        fn cancel_login(self: &ExportSession);
        /// The account's display name, asked from the service (blocking).
        #[cxx_name = "accountName"]
        fn account_name(self: &ExportSession) -> Result<String>;
        /// Folder paths (`/`, `/Photos`, `/Photos/2024`...), a few levels deep (blocking).
        #[cxx_name = "listFolders"]
        fn list_folders(self: &ExportSession) -> Result<Vec<String>>;
        /// Creates a folder and its missing parents; returns its normalised path (blocking).
        #[cxx_name = "createFolder"]
        fn create_folder(self: &ExportSession, path: &str) -> Result<String>;
        /// Starts uploading in the background and returns at once.
        #[cxx_name = "startUpload"]
        fn start_upload(
            self: &ExportSession,
            files: &[LocalFile],
            folder: &str,
            options: &UploadOptions,
            events: SharedPtr<UploadEvents>,
        ) -> Result<Box<UploadJob>>;

        /// Asks the job to stop; `finished` still comes, with `cancelled`.
        fn cancel(self: &UploadJob);
        #[cxx_name = "isFinished"]
        fn is_finished(self: &UploadJob) -> bool;
        /// Waits up to `timeout_ms` for the job to end; true if it did.
        #[cxx_name = "waitFor"]
        fn wait_for(self: &UploadJob, timeout_ms: u64) -> bool;
    }
}

// The C++ implementations post every call to the GUI thread (or, in tests,
// lock), so the engine's threads may hold and call them.
unsafe impl Send for bridge::LoginEvents {}
unsafe impl Sync for bridge::LoginEvents {}
unsafe impl Send for bridge::UploadEvents {}
unsafe impl Sync for bridge::UploadEvents {}

/// The error every bridge call returns: a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeError(pub String);

impl std::fmt::Display for BridgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BridgeError {}

impl From<dkcloud_engine::Error> for BridgeError {
    fn from(e: dkcloud_engine::Error) -> Self {
        BridgeError(e.to_string())
    }
}

pub type BridgeResult<T> = Result<T, BridgeError>;

/// What a bridge function whose engine part does not exist yet returns.
pub(crate) fn not_available(what: &str) -> BridgeError {
    BridgeError(format!("not available yet: {what} (the dkcloud engine does not provide it yet)"))
}
