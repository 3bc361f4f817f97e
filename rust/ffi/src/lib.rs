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
mod registration;
mod runtime;
mod session;
mod unfinished;

pub use job::UploadJob;
pub use registration::{check_app_id_format, registration_issue_of, setup_info};
pub use session::{accounts, open_session, set_upload_limit, ExportSession};
pub use unfinished::unfinished_jobs;

#[cxx::bridge(namespace = "dkcloud::ffi")]
pub mod bridge {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Service {
        OneDrive,
        Dropbox,
    }

    /// The app registration typed in the plugin's settings (never a secret:
    /// one belongs in config.toml or the environment). Empty fields fall back
    /// to dkcloud's config.toml; `DKCLOUD_*` environment variables win over both.
    #[derive(Debug, Clone, Default)]
    struct AppRegistration {
        client_id: String,
        tenant: String,
    }

    #[derive(Debug, Clone)]
    struct UploadOptions {
        resize: bool,
        jpeg_quality: u32,
        max_dimension: u32,
        upload_original: bool,
        /// The host (`digikam`, `showfoto`), kept in the job's record so a
        /// list of unfinished jobs can say who started each; empty: `plugin`.
        started_by: String,
    }

    /// An upload job whose last run did not reach its end (killed, crashed,
    /// cancelled, the host quit, or some files failed), for the dialog to offer.
    #[derive(Debug, Clone)]
    struct UnfinishedJob {
        /// What `resumeJob` and `discardJob` take.
        id: String,
        /// E.g. "12 files from /home/x/Pictures/Trip".
        what: String,
        /// The remote folder, e.g. "/Pictures/Trip".
        destination: String,
        /// The account it acts as (email, else name); empty when unknown.
        account: String,
        files_done: u64,
        files_total: u64,
        /// Bytes of the files not stored yet (of the originals when resized).
        bytes_left: u64,
        /// When it was first started, in Unix seconds.
        started: i64,
        /// `cli`, `digikam`, `showfoto`, `plugin`...
        started_by: String,
        /// Another upload (in this or another process) runs it now: it
        /// cannot be resumed or discarded until that ends.
        running_now: bool,
        /// The job's sources; the `index` of a resumed job's `FileEvent`s is
        /// a position in this list.
        files: Vec<LocalFile>,
    }

    /// A local file, its path as raw bytes (`QFile::encodeName`) so that
    /// names that are not UTF-8 survive.
    #[derive(Debug, Clone)]
    struct LocalFile {
        path: Vec<u8>,
    }

    /// Where one file stands; each finished file ends in exactly one of the
    /// states after `Uploading`, which is what happened on the service.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum FileState {
        Uploading,
        /// Stored under a name that was free.
        Uploaded,
        /// The same bytes were already there (hash-verified): nothing sent.
        AlreadyThere,
        /// Stored over a different file of that name.
        Replaced,
        /// Stored beside a different file of that name, as `remote_path`.
        KeptBoth,
        /// A different file of that name is there and was left alone.
        Skipped,
        Failed,
        Cancelled,
    }

    /// What kind of problem an error is, so the dialog can say what to do in
    /// its own words (the message itself is for details and logs).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum ErrorKind {
        None,
        NotLoggedIn,
        LoginFailed,
        AppNotRegistered,
        QuotaFull,
        NameNotAllowed,
        Network,
        Refused,
        LocalFile,
        Conflict,
        Mismatch,
        Invalid,
        Cancelled,
        Internal,
        /// The account's plan does not include this (a link's password or expiry on a free plan).
        NotInPlan,
        /// The service refused the app registration: a setting of the app in
        /// the service's portal must change (`registrationIssueOf` says which).
        RegistrationRefused,
        /// The organisation running the account forbids this (a link anyone
        /// can open, on a work or school OneDrive).
        SharingPolicy,
    }

    /// What a `RegistrationRefused` error is about, for the dialog to word.
    #[derive(Debug, Clone, Default)]
    struct RegistrationIssue {
        /// `unknown_app`, `redirect_not_registered`, `personal_accounts_only`,
        /// `account_types`, `public_client_flows_off`, `needs_desktop_platform`,
        /// `missing_permission`; empty when the error is of another kind.
        problem: String,
        /// The redirect URI, tenant or permission it is about; may be empty.
        value: String,
        /// True: the registration built into this build was refused (the
        /// user cannot fix it in a portal; their own registration can replace it).
        built_in: bool,
        /// The portal setting that fixes it, in English.
        setting: String,
        /// What the service said.
        said: String,
    }

    /// What to register for a service, for the registration assistant.
    #[derive(Debug, Clone, Default)]
    struct SetupInfo {
        /// Where apps are registered (opened in the browser).
        portal_url: String,
        /// The redirect URI to register.
        redirect_uri: String,
        /// The permissions (delegated scopes) to give the app.
        permissions: Vec<String>,
        /// Whether this build has a registration of its own for the service.
        has_built_in: bool,
    }

    /// One file changed state or advanced; `index` is its position in the
    /// list given to `startUpload`.
    #[derive(Debug, Clone)]
    struct FileEvent {
        index: usize,
        state: FileState,
        bytes_sent: u64,
        bytes_total: u64,
        /// Why it failed (the engine's words, for details); empty otherwise.
        message: String,
        error_kind: ErrorKind,
        /// Where it was stored, once done.
        remote_path: String,
        /// The remote path another file of this upload took first (same name
        /// to the service: case, Unicode form, a conversion's `.jpg`): this
        /// one was stored under its own name, `remote_path`. Empty otherwise.
        name_clash: String,
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

    /// Counts per final state: they add up to the files given.
    #[derive(Debug, Clone)]
    struct JobSummary {
        files_uploaded: usize,
        files_replaced: usize,
        files_kept_both: usize,
        files_already_there: usize,
        /// Left alone because a different file has the name (the user's choice).
        files_skipped: usize,
        /// Names the service never stores (Dropbox's `desktop.ini`, ...): nothing was sent.
        files_not_stored: usize,
        files_failed: usize,
        cancelled: bool,
        folder: String,
        /// The folder on the service's web site, empty when unknown.
        folder_web_url: String,
        /// A failure of the job as a whole (not of one file), else empty.
        message: String,
        error_kind: ErrorKind,
    }

    /// How a browser login went: signed in, or waiting for a pasted code
    /// (the loopback port could not be had).
    #[derive(Debug, Clone, Default)]
    struct LoginStep {
        signed_in: bool,
        account: String,
        /// What to ask the user to paste, when not signed in yet.
        paste_instructions: String,
    }

    /// A link to a file or folder that works without signing in, as the
    /// service reports it (a link the item already had keeps its own settings).
    #[derive(Debug, Clone, Default)]
    struct ShareLink {
        url: String,
        /// True: people with the link may edit; false: view only.
        edit: bool,
        /// When it stops working (Unix seconds, UTC); 0: never.
        expires_unix_secs: i64,
        has_password: bool,
        /// The service returned the link the item already had.
        reused: bool,
        /// Where that link differs from what was asked, in words ("it never
        /// expires"); empty when it does what was asked.
        differs: Vec<String>,
    }

    unsafe extern "C++" {
        include!("dkcloud-ffi/include/events.h");

        type LoginEvents;
        #[cxx_name = "pageOpened"]
        fn page_opened(self: &LoginEvents, url: &str, opened: bool);

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
        /// Accounts logged in before whose tokens are still stored, for the
        /// account combo (blocking: may ask the Secret Service).
        fn accounts(service: Service) -> Result<Vec<String>>;
        /// Limits every upload of this digiKam or showfoto process, the
        /// running ones too, to `kib_per_second` KiB/s in total (0: no limit).
        #[cxx_name = "setUploadLimit"]
        fn set_upload_limit(kib_per_second: u32);
        /// The service's unfinished upload jobs, oldest first, with what is
        /// left of each (blocking: walks each job's files; no network).
        #[cxx_name = "unfinishedJobs"]
        fn unfinished_jobs(service: Service) -> Result<Vec<UnfinishedJob>>;
        /// The kind and the details of an error thrown by a bridge call
        /// (its `what()`), split apart.
        #[cxx_name = "errorKindOf"]
        fn error_kind_of(what: &str) -> ErrorKind;
        #[cxx_name = "errorDetailOf"]
        fn error_detail_of(what: &str) -> String;
        /// The problem of a `RegistrationRefused` error's `what()`.
        #[cxx_name = "registrationIssueOf"]
        fn registration_issue_of(what: &str) -> RegistrationIssue;
        /// What to register for `service` (no network).
        #[cxx_name = "setupInfo"]
        fn setup_info(service: Service) -> Result<SetupInfo>;
        /// Why `id` is not the form of the service's app id; empty: it is.
        #[cxx_name = "checkAppIdFormat"]
        fn check_app_id_format(service: Service, id: &str) -> String;

        /// Runs the browser login (blocking: call it off the GUI thread): the
        /// engine opens the sign-in page in the user's browser and tells
        /// `events.pageOpened`. Signed in: the
        /// account name, now this session's account. Else the page shows a
        /// code to paste into `finishLogin`.
        fn login(self: &ExportSession, events: SharedPtr<LoginEvents>) -> Result<LoginStep>;
        /// Completes a login waiting for a pasted code (blocking); returns the account name.
        #[cxx_name = "finishLogin"]
        fn finish_login(self: &ExportSession, pasted: &str) -> Result<String>;
        /// Logs this session's account out: its tokens are deleted (and
        /// revoked where the service allows). Returns the account name.
        fn logout(self: &ExportSession) -> Result<String>;
        #[cxx_name = "cancelLogin"]
        fn cancel_login(self: &ExportSession);
        /// Checks the app registration with the service before any sign-in
        /// (blocking, a few seconds at most): an error names what is wrong.
        #[cxx_name = "checkRegistration"]
        fn check_registration(self: &ExportSession) -> Result<()>;
        /// Where the registration in use comes from: `own`, `built_in`,
        /// `emulator`, or empty when there is none.
        #[cxx_name = "registrationOrigin"]
        fn registration_origin(self: &ExportSession) -> String;
        /// The account's display name, asked from the service (blocking).
        #[cxx_name = "accountName"]
        fn account_name(self: &ExportSession) -> Result<String>;
        /// Folder paths (`/`, `/Photos`, `/Photos/2024`...), a few levels deep (blocking).
        #[cxx_name = "listFolders"]
        fn list_folders(self: &ExportSession) -> Result<Vec<String>>;
        /// Whether `path` is a folder on the service now; false when it is
        /// missing (removed since it was chosen) or a file (blocking).
        #[cxx_name = "folderExists"]
        fn folder_exists(self: &ExportSession, path: &str) -> Result<bool>;
        /// Creates a folder and its missing parents; returns its normalised path (blocking).
        #[cxx_name = "createFolder"]
        fn create_folder(self: &ExportSession, path: &str) -> Result<String>;
        /// A link to `remote_path` that works without signing in (blocking: call
        /// it off the GUI thread). `edit`: people may edit, else view;
        /// `expires_unix_secs` 0: never expires; `password` empty: none. A
        /// password or an expiry on a free plan fails with `NotInPlan`; a link
        /// anyone can open where the organisation forbids it, `SharingPolicy`.
        #[cxx_name = "shareLink"]
        fn share_link(
            self: &ExportSession,
            remote_path: &str,
            edit: bool,
            expires_unix_secs: i64,
            password: &str,
        ) -> Result<ShareLink>;
        /// Starts uploading in the background and returns at once;
        /// `conflict` is `replace`, `rename` or `skip`.
        #[cxx_name = "startUpload"]
        fn start_upload(
            self: &ExportSession,
            files: &[LocalFile],
            folder: &str,
            options: &UploadOptions,
            conflict: &str,
            events: SharedPtr<UploadEvents>,
        ) -> Result<Box<UploadJob>>;

        /// Continues the unfinished job `id` (see `unfinishedJobs`) in the
        /// background, like `startUpload`: finished files are not sent again,
        /// open upload sessions go on from where the service has them. It acts
        /// as the account the job was started with. Blocking for a moment
        /// (reads the job's record): call it off the GUI thread.
        #[cxx_name = "resumeJob"]
        fn resume_job(self: &ExportSession, id: &str, events: SharedPtr<UploadEvents>) -> Result<Box<UploadJob>>;
        /// Forgets the unfinished job `id`: its open upload sessions are
        /// cancelled on OneDrive (Dropbox's expire on their own within 7
        /// days), its journal is deleted; files it stored stay. Blocking.
        #[cxx_name = "discardJob"]
        fn discard_job(self: &ExportSession, id: &str) -> Result<()>;

        /// Asks the job to stop; `finished` still comes, with `cancelled`.
        fn cancel(self: &UploadJob);
        /// Stops the job to be resumed later (the host quits): like cancel,
        /// but open upload sessions stay for the resume to continue.
        fn suspend(self: &UploadJob);
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

/// The error every bridge call returns. It crosses to C++ as one string
/// (`rust::Error::what()`): the kind's name, U+001F, the details; C++ splits
/// it with `errorKindOf` / `errorDetailOf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeError(pub String);

const KIND_SEPARATOR: char = '\u{1f}';

impl BridgeError {
    pub fn new(kind: bridge::ErrorKind, detail: impl Into<String>) -> Self {
        BridgeError(format!("{}{KIND_SEPARATOR}{}", kind_name(kind), detail.into()))
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(bridge::ErrorKind::Invalid, detail)
    }

    pub fn detail(&self) -> &str {
        self.0.split_once(KIND_SEPARATOR).map_or(self.0.as_str(), |(_, d)| d)
    }
}

impl std::fmt::Display for BridgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BridgeError {}

impl From<dkcloud_engine::Error> for BridgeError {
    fn from(e: dkcloud_engine::Error) -> Self {
        // Only the details: advice on what to do is each front end's own.
        match &e {
            dkcloud_engine::Error::Registration { service, problem, origin, detail } => BridgeError::new(
                bridge::ErrorKind::RegistrationRefused,
                registration::encode(*service, problem, *origin, detail),
            ),
            _ => BridgeError::new(error_kind(e.kind()), e.detail()),
        }
    }
}

pub(crate) fn error_kind(kind: dkcloud_engine::ErrorKind) -> bridge::ErrorKind {
    use bridge::ErrorKind as B;
    use dkcloud_engine::ErrorKind as E;
    match kind {
        E::NotLoggedIn => B::NotLoggedIn,
        E::LoginFailed => B::LoginFailed,
        E::AppNotRegistered => B::AppNotRegistered,
        E::QuotaFull => B::QuotaFull,
        E::NameNotAllowed => B::NameNotAllowed,
        E::Network => B::Network,
        E::Refused => B::Refused,
        E::LocalFile => B::LocalFile,
        E::Conflict => B::Conflict,
        E::Mismatch => B::Mismatch,
        E::Invalid => B::Invalid,
        E::Cancelled => B::Cancelled,
        E::NotInPlan => B::NotInPlan,
        E::RegistrationRefused => B::RegistrationRefused,
        E::SharingPolicy => B::SharingPolicy,
    }
}

const KINDS: [(bridge::ErrorKind, &str); 17] = [
    (bridge::ErrorKind::None, "none"),
    (bridge::ErrorKind::NotLoggedIn, "not_logged_in"),
    (bridge::ErrorKind::LoginFailed, "login_failed"),
    (bridge::ErrorKind::AppNotRegistered, "app_not_registered"),
    (bridge::ErrorKind::QuotaFull, "quota_full"),
    (bridge::ErrorKind::NameNotAllowed, "name_not_allowed"),
    (bridge::ErrorKind::Network, "network"),
    (bridge::ErrorKind::Refused, "refused"),
    (bridge::ErrorKind::LocalFile, "local_file"),
    (bridge::ErrorKind::Conflict, "conflict"),
    (bridge::ErrorKind::Mismatch, "mismatch"),
    (bridge::ErrorKind::Invalid, "invalid"),
    (bridge::ErrorKind::Cancelled, "cancelled"),
    (bridge::ErrorKind::Internal, "internal"),
    (bridge::ErrorKind::NotInPlan, "not_in_plan"),
    (bridge::ErrorKind::RegistrationRefused, "registration_refused"),
    (bridge::ErrorKind::SharingPolicy, "sharing_policy"),
];

fn kind_name(kind: bridge::ErrorKind) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("internal", |(_, n)| n)
}

pub fn error_kind_of(what: &str) -> bridge::ErrorKind {
    let Some((name, _)) = what.split_once(KIND_SEPARATOR) else { return bridge::ErrorKind::Internal };
    KINDS.iter().find(|(_, n)| *n == name).map_or(bridge::ErrorKind::Internal, |(k, _)| *k)
}

pub fn error_detail_of(what: &str) -> String {
    what.split_once(KIND_SEPARATOR).map_or(what, |(_, d)| d).to_owned()
}

pub type BridgeResult<T> = Result<T, BridgeError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_carries_its_kind_and_details_across() {
        let e: BridgeError = dkcloud_engine::Error::LoginNeeded {
            service: dkcloud_engine::ServiceKind::OneDrive,
            message: "not logged in; run `dkcloud login onedrive`".into(),
        }
        .into();
        assert_eq!(error_kind_of(&e.0), bridge::ErrorKind::NotLoggedIn);
        // The command-line hint stays out of what the dialog shows.
        assert!(!error_detail_of(&e.0).contains("dkcloud login"), "{e}");
        let quota: BridgeError = dkcloud_engine::Error::Service {
            service: dkcloud_engine::ServiceKind::Dropbox,
            status: 409,
            code: "path/insufficient_space".into(),
            message: "no room".into(),
        }
        .into();
        assert_eq!(error_kind_of(&quota.0), bridge::ErrorKind::QuotaFull);
        assert_eq!(error_detail_of(&quota.0), "no room");
        let plan: BridgeError = dkcloud_engine::Error::NotInPlan {
            service: dkcloud_engine::ServiceKind::Dropbox,
            message: "no passwords on this plan".into(),
        }
        .into();
        assert_eq!(error_kind_of(&plan.0), bridge::ErrorKind::NotInPlan);
        assert_eq!(error_detail_of(&plan.0), "no passwords on this plan");
        let policy: BridgeError = dkcloud_engine::Error::SharingPolicy {
            service: dkcloud_engine::ServiceKind::OneDrive,
            message: "no links anyone can open".into(),
        }
        .into();
        assert_eq!(error_kind_of(&policy.0), bridge::ErrorKind::SharingPolicy);
        assert_eq!(error_kind_of("a panic without a kind"), bridge::ErrorKind::Internal);
        assert_eq!(error_detail_of("a panic without a kind"), "a panic without a kind");
    }
}
