//! Settings that outlive one run: the app registration of each service (client
//! id and secret, tenant, scopes, Dropbox's loopback port), login options and
//! where tokens go. Read from `config.toml` in the config folder, then
//! overridden by `DKCLOUD_*` environment variables.
//!
//! Environment variables are process-global and tests run in parallel threads,
//! so nothing here reads the environment except the `from_env` conveniences:
//! every constructor takes explicit values ([`Paths`], [`EnvOverrides`]).

use crate::fsio::io_error as file_error;
use crate::onedrive::{DEFAULT_SCOPES, DEFAULT_TENANT};
use crate::dropbox::DEFAULT_REDIRECT_PORT;
use crate::registration::{BuiltinApps, RegistrationOrigin};
use crate::{Endpoints, Error, Result, ServiceKind};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The client id used against the emulator when none is configured; the real
/// services never see it.
pub const EMULATOR_CLIENT_ID: &str = "dkcloud-emulator-client";

pub(crate) const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

/// How to get a client id, for the message that says none is configured.
const REGISTER_HINT: &str = "`dkcloud setup SERVICE` walks you through it (`man dkcloud-setup`)";

/// `DKCLOUD_TOKEN_STORE` / `[login] token_store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The Secret Service when one answers, else the file.
    #[default]
    Auto,
    Keyring,
    File,
}

impl std::str::FromStr for StoreKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "keyring" => Ok(Self::Keyring),
            "file" => Ok(Self::File),
            other => Err(format!("unknown token store '{other}' (expected auto, keyring or file)")),
        }
    }
}

/// Where dkcloud keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
}

impl Paths {
    pub fn new(config_dir: impl Into<PathBuf>) -> Self {
        Self { config_dir: config_dir.into() }
    }

    /// `$DKCLOUD_CONFIG_DIR`, else `$XDG_CONFIG_HOME/dkcloud`, else `~/.config/dkcloud`.
    pub fn from_env() -> Result<Self> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(dir) = var("DKCLOUD_CONFIG_DIR") {
            return Ok(Self::new(dir));
        }
        // The XDG spec says a relative XDG_CONFIG_HOME is invalid and to be ignored.
        if let Some(xdg) = var("XDG_CONFIG_HOME").filter(|p| p.is_absolute()) {
            return Ok(Self::new(xdg.join("dkcloud")));
        }
        match var("HOME") {
            Some(home) => Ok(Self::new(home.join(".config").join("dkcloud"))),
            None => Err(Error::Config(
                "cannot find a config folder: set DKCLOUD_CONFIG_DIR, XDG_CONFIG_HOME or HOME".into(),
            )),
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join("accounts.json")
    }

    pub fn tokens_file(&self) -> PathBuf {
        self.config_dir.join("tokens.json")
    }

    /// Creates the folder if needed, readable by the owner only: it holds the
    /// token file when there is no Secret Service.
    pub fn ensure_dir(&self) -> Result<&Path> {
        let dir = &self.config_dir;
        if !dir.is_dir() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(|e| file_error(dir, "cannot create the folder", e))?;
        }
        Ok(dir)
    }
}

/// The `DKCLOUD_*` variables that override the config file, captured once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvOverrides {
    pub onedrive_client_id: Option<String>,
    pub onedrive_client_secret: Option<String>,
    pub onedrive_tenant: Option<String>,
    pub dropbox_client_id: Option<String>,
    pub dropbox_client_secret: Option<String>,
    /// `DKCLOUD_TOKEN_STORE`: `auto`, `keyring` or `file`.
    pub token_store: Option<String>,
}

impl std::fmt::Debug for EnvOverrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvOverrides")
            .field("onedrive_client_id", &self.onedrive_client_id)
            .field("onedrive_client_secret", &self.onedrive_client_secret.as_ref().map(|_| "<redacted>"))
            .field("onedrive_tenant", &self.onedrive_tenant)
            .field("dropbox_client_id", &self.dropbox_client_id)
            .field("dropbox_client_secret", &self.dropbox_client_secret.as_ref().map(|_| "<redacted>"))
            .field("token_store", &self.token_store)
            .finish()
    }
}

impl EnvOverrides {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            onedrive_client_id: var("DKCLOUD_ONEDRIVE_CLIENT_ID"),
            onedrive_client_secret: var("DKCLOUD_ONEDRIVE_CLIENT_SECRET"),
            onedrive_tenant: var("DKCLOUD_ONEDRIVE_TENANT"),
            dropbox_client_id: var("DKCLOUD_DROPBOX_CLIENT_ID"),
            dropbox_client_secret: var("DKCLOUD_DROPBOX_CLIENT_SECRET"),
            token_store: var("DKCLOUD_TOKEN_STORE"),
        }
    }
}

/// A client secret: kept out of `Debug` output. Native apps are public
/// clients and usually have none, but a registration may require one.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

impl ClientSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// An app registration a front end brings: the plugin's settings, or the
/// registration in an imported `.env`. Empty values count as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppOverrides {
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    /// Microsoft's tenant (ignored for services without tenants).
    pub tenant: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// `[onedrive]` in config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OneDriveSettings {
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    /// `None`: not set anywhere, so `common`, or the built-in registration's
    /// tenant when that registration is used (see [`Config::tenant`]).
    pub tenant: Option<String>,
    /// Space-separated.
    pub scopes: String,
}

impl Default for OneDriveSettings {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            tenant: None,
            scopes: DEFAULT_SCOPES.into(),
        }
    }
}

/// `[dropbox]` in config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DropboxSettings {
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    /// Port of the loopback redirect `http://localhost:PORT/` registered with
    /// the app. 0 takes any free port, which only the emulator accepts.
    pub redirect_port: u16,
    /// For an app registered with "App folder" access: its folder's name.
    /// Its paths are then relative to `/Apps/<name>`, which the API never
    /// names, so folder addresses on the web site need it.
    pub app_folder: Option<String>,
}

impl Default for DropboxSettings {
    fn default() -> Self {
        Self { client_id: None, client_secret: None, redirect_port: DEFAULT_REDIRECT_PORT, app_folder: None }
    }
}

/// `[login]` in config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginSettings {
    /// How long the browser login waits for the user, in seconds.
    pub timeout_secs: u64,
    pub token_store: StoreKind,
}

impl Default for LoginSettings {
    fn default() -> Self {
        Self { timeout_secs: DEFAULT_LOGIN_TIMEOUT.as_secs(), token_store: StoreKind::Auto }
    }
}

/// The environment variable that overrides `service`'s client id (app key).
pub fn client_id_var(service: ServiceKind) -> &'static str {
    crate::services::profile(service).client_id_var
}

/// Everything in config.toml, after the environment's overrides.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub onedrive: OneDriveSettings,
    pub dropbox: DropboxSettings,
    pub login: LoginSettings,
    #[serde(skip)]
    pub paths: Paths,
    /// The registrations compiled into this build ([`Config::load`] sets them).
    #[serde(skip)]
    pub builtin: BuiltinApps,
}

/// The app registration a login uses, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub client_id: String,
    /// Microsoft's tenant; empty for services without tenants.
    pub tenant: String,
    pub origin: RegistrationOrigin,
}

impl Default for Paths {
    /// A relative `dkcloud` folder: only a placeholder until [`Config::load`] sets the real one.
    fn default() -> Self {
        Self::new("dkcloud")
    }
}

impl Config {
    /// The config file in `paths` (absent is fine: everything has a default),
    /// then `env` on top.
    pub fn load(paths: &Paths, env: &EnvOverrides) -> Result<Self> {
        let file = paths.config_file();
        let mut config = match std::fs::read_to_string(&file) {
            Ok(text) => Self::parse(&text).map_err(|msg| Error::Config(format!("{}: {msg}", file.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(e) => return Err(file_error(&file, "cannot read the config file", e)),
        };
        config.paths = paths.clone();
        config.builtin = BuiltinApps::compiled();
        config.apply(env)?;
        Ok(config)
    }

    /// The config folder and overrides named by the environment.
    pub fn from_env() -> Result<Self> {
        Self::load(&Paths::from_env()?, &EnvOverrides::from_env())
    }

    fn parse(text: &str) -> std::result::Result<Self, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }

    fn apply(&mut self, env: &EnvOverrides) -> Result<()> {
        let set = |slot: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                slot.clone_from(value);
            }
        };
        set(&mut self.onedrive.client_id, &env.onedrive_client_id);
        set(&mut self.dropbox.client_id, &env.dropbox_client_id);
        if let Some(s) = &env.onedrive_client_secret {
            self.onedrive.client_secret = Some(ClientSecret::new(s));
        }
        if let Some(s) = &env.dropbox_client_secret {
            self.dropbox.client_secret = Some(ClientSecret::new(s));
        }
        if let Some(t) = &env.onedrive_tenant {
            self.onedrive.tenant = Some(t.clone());
        }
        if let Some(kind) = &env.token_store {
            self.login.token_store =
                kind.parse().map_err(|e: String| Error::Config(format!("DKCLOUD_TOKEN_STORE: {e}")))?;
        }
        Ok(())
    }

    /// The plugin's settings for `service`: they win over config.toml, but
    /// not over a `DKCLOUD_*` variable (`env`, as given to [`Config::load`]).
    pub fn override_app(&mut self, service: ServiceKind, app: &AppOverrides, env: &EnvOverrides) {
        let (env_id, env_secret) = match service {
            ServiceKind::OneDrive => (&env.onedrive_client_id, &env.onedrive_client_secret),
            ServiceKind::Dropbox => (&env.dropbox_client_id, &env.dropbox_client_secret),
        };
        let (id, secret) = self.app_slots(service);
        if env_id.is_none() {
            if let Some(v) = given(&app.client_id) {
                *id = Some(v);
            }
        }
        if env_secret.is_none() && app.client_secret.is_some() {
            secret.clone_from(&app.client_secret);
        }
        if service == ServiceKind::OneDrive && env.onedrive_tenant.is_none() {
            if let Some(t) = given(&app.tenant) {
                self.onedrive.tenant = Some(t);
            }
        }
    }

    /// An imported registration for `service`: used only where neither
    /// config.toml nor the environment names one.
    pub fn fill_app(&mut self, service: ServiceKind, app: &AppOverrides) {
        let (id, secret) = self.app_slots(service);
        if id.is_none() {
            *id = given(&app.client_id);
        }
        if secret.is_none() {
            secret.clone_from(&app.client_secret);
        }
    }

    fn app_slots(&mut self, service: ServiceKind) -> (&mut Option<String>, &mut Option<ClientSecret>) {
        match service {
            ServiceKind::OneDrive => (&mut self.onedrive.client_id, &mut self.onedrive.client_secret),
            ServiceKind::Dropbox => (&mut self.dropbox.client_id, &mut self.dropbox.client_secret),
        }
    }

    pub fn login_timeout(&self) -> Duration {
        Duration::from_secs(self.login.timeout_secs.max(1))
    }

    /// The registration to use for `service`: the user's own (config.toml,
    /// a `DKCLOUD_*` variable, the plugin's settings), else the one built into
    /// this build, else the emulator's fixed test id when talking to the
    /// emulator, else an error that says how to get one.
    pub fn registration(&self, service: ServiceKind, endpoints: &Endpoints) -> Result<Registration> {
        let configured = match service {
            ServiceKind::OneDrive => &self.onedrive.client_id,
            ServiceKind::Dropbox => &self.dropbox.client_id,
        };
        let var = crate::services::profile(service).client_id_var;
        let (client_id, origin) = match configured.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => (id.to_owned(), RegistrationOrigin::Own),
            None => match self.builtin.client_id(service) {
                Some(id) => (id.to_owned(), RegistrationOrigin::BuiltIn),
                None if endpoints.emulator => (EMULATOR_CLIENT_ID.to_owned(), RegistrationOrigin::Emulator),
                None => {
                    return Err(Error::AppNotRegistered {
                        service,
                        message: format!(
                            "no {service} app is configured: register an app with {service} and put its client id \
                             in {} ([{}] client_id = \"...\") or in {var}; {}",
                            self.paths.config_file().display(),
                            service.id(),
                            REGISTER_HINT.replace("SERVICE", service.id()),
                        ),
                    })
                }
            },
        };
        let tenant = match service {
            ServiceKind::OneDrive => self.tenant(origin),
            ServiceKind::Dropbox => String::new(),
        };
        Ok(Registration { client_id, tenant, origin })
    }

    /// Microsoft's tenant: the one set anywhere, else the built-in
    /// registration's when that is in use, else `common`.
    pub fn tenant(&self, origin: RegistrationOrigin) -> String {
        let set = self.onedrive.tenant.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let builtin = self.builtin.onedrive_tenant.as_deref().filter(|_| origin == RegistrationOrigin::BuiltIn);
        set.or(builtin).unwrap_or(DEFAULT_TENANT).to_owned()
    }

    /// The client id to use for `service` (see [`Config::registration`]).
    pub fn client_id(&self, service: ServiceKind, endpoints: &Endpoints) -> Result<String> {
        Ok(self.registration(service, endpoints)?.client_id)
    }

    /// Writes `client_id` (and for OneDrive `tenant`, when given) into the
    /// config file's `[onedrive]`/`[dropbox]` table, keeping everything else
    /// in the file as it was; the folder is created private if missing.
    pub fn save_registration(paths: &Paths, service: ServiceKind, client_id: &str, tenant: Option<&str>) -> Result<PathBuf> {
        paths.ensure_dir()?;
        let file = paths.config_file();
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(file_error(&file, "cannot read the config file", e)),
        };
        let mut doc: toml_edit::DocumentMut =
            text.parse().map_err(|e: toml_edit::TomlError| Error::Config(format!("{}: {}", file.display(), e.message())))?;
        let table = doc
            .entry(service.id())
            .or_insert(toml_edit::table())
            .as_table_mut()
            .ok_or_else(|| Error::Config(format!("{}: [{}] is not a table", file.display(), service.id())))?;
        table["client_id"] = toml_edit::value(client_id.trim());
        if let (ServiceKind::OneDrive, Some(t)) = (service, tenant.map(str::trim).filter(|t| !t.is_empty())) {
            table["tenant"] = toml_edit::value(t);
        }
        // Checked the way `load` will read it, before anything is written.
        Self::parse(&doc.to_string()).map_err(|msg| Error::Config(format!("{}: {msg}", file.display())))?;
        crate::fsio::write_atomic_private(&file, doc.to_string().as_bytes())
            .map_err(|e| file_error(&file, "cannot write the config file", e))?;
        Ok(file)
    }

    pub fn client_secret(&self, service: ServiceKind) -> Option<&ClientSecret> {
        match service {
            ServiceKind::OneDrive => self.onedrive.client_secret.as_ref(),
            ServiceKind::Dropbox => self.dropbox.client_secret.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: Option<&str>, env: &EnvOverrides) -> Result<Config> {
        let dir = tempfile::tempdir().expect("temp dir");
        if let Some(text) = text {
            std::fs::write(dir.path().join("config.toml"), text).expect("write config");
        }
        Config::load(&Paths::new(dir.path()), env)
    }

    #[test]
    fn missing_file_gives_documented_defaults() {
        let c = load(None, &EnvOverrides::default()).expect("defaults");
        assert_eq!(c.tenant(RegistrationOrigin::Own), "common");
        assert_eq!(c.onedrive.scopes, "Files.ReadWrite offline_access User.Read");
        assert_eq!(c.dropbox.redirect_port, 53682);
        assert_eq!(c.login_timeout(), Duration::from_secs(300));
        assert_eq!(c.login.token_store, StoreKind::Auto);
    }

    #[test]
    fn file_values_are_read_and_env_wins() {
        let text = "[onedrive]\nclient_id = \"file-od\"\ntenant = \"consumers\"\n\
                    [dropbox]\nclient_id = \"file-db\"\nclient_secret = \"s3\"\nredirect_port = 8765\n\
                    [login]\ntimeout_secs = 60\ntoken_store = \"file\"\n";
        let c = load(Some(text), &EnvOverrides::default()).expect("parse");
        assert_eq!(c.onedrive.client_id.as_deref(), Some("file-od"));
        assert_eq!(c.onedrive.tenant.as_deref(), Some("consumers"));
        assert_eq!(c.dropbox.redirect_port, 8765);
        assert_eq!(c.dropbox.client_secret.as_ref().map(ClientSecret::expose), Some("s3"));
        assert_eq!(c.login.token_store, StoreKind::File);
        assert!(!format!("{c:?}").contains("s3\""), "client secret shown in Debug");

        let env = EnvOverrides {
            onedrive_client_id: Some("env-od".into()),
            onedrive_tenant: Some("organizations".into()),
            dropbox_client_secret: Some("env-secret".into()),
            token_store: Some("keyring".into()),
            ..Default::default()
        };
        let c = load(Some(text), &env).expect("parse");
        assert_eq!(c.onedrive.client_id.as_deref(), Some("env-od"));
        assert_eq!(c.onedrive.tenant.as_deref(), Some("organizations"));
        assert_eq!(c.dropbox.client_id.as_deref(), Some("file-db"));
        assert_eq!(c.dropbox.client_secret.as_ref().map(ClientSecret::expose), Some("env-secret"));
        assert_eq!(c.login.token_store, StoreKind::Keyring);
    }

    #[test]
    fn bad_config_names_the_file_and_the_problem() {
        let err = load(Some("[onedrive]\nclient_idd = 1\n"), &EnvOverrides::default()).unwrap_err().to_string();
        assert!(err.contains("config.toml") && err.contains("client_idd"), "{err}");
        let env = EnvOverrides { token_store: Some("vault".into()), ..Default::default() };
        let err = load(None, &env).unwrap_err().to_string();
        assert!(err.contains("DKCLOUD_TOKEN_STORE") && err.contains("vault"), "{err}");
    }

    #[test]
    fn client_id_falls_back_to_the_emulator_id_only_for_the_emulator() {
        let c = load(None, &EnvOverrides::default()).expect("defaults");
        let emu = Endpoints::emulator("http://127.0.0.1:1");
        assert_eq!(c.client_id(ServiceKind::Dropbox, &emu).expect("emulator id"), EMULATOR_CLIENT_ID);
        let err = c.client_id(ServiceKind::OneDrive, &Endpoints::default()).unwrap_err();
        assert!(matches!(err, Error::AppNotRegistered { service: ServiceKind::OneDrive, .. }));
        assert_eq!(err.kind(), crate::ErrorKind::AppNotRegistered);
        let text = err.to_string();
        assert!(text.contains("man dkcloud-setup") && text.contains("DKCLOUD_ONEDRIVE_CLIENT_ID"), "{text}");
        assert!(text.contains("dkcloud setup onedrive"), "{text}");
    }

    #[test]
    fn a_saved_registration_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::new(dir.path().join("dkcloud"));
        std::fs::create_dir_all(&paths.config_dir).expect("dir");
        let before = "# my settings\n[login]\ntimeout_secs = 60 # short\n\n[dropbox]\nredirect_port = 8765\n";
        std::fs::write(paths.config_file(), before).expect("write");
        Config::save_registration(&paths, ServiceKind::Dropbox, " abcdefghij12345 ", None).expect("dropbox");
        Config::save_registration(&paths, ServiceKind::OneDrive, "0000-id", Some("consumers")).expect("onedrive");
        let text = std::fs::read_to_string(paths.config_file()).expect("read");
        assert!(text.starts_with("# my settings\n[login]\ntimeout_secs = 60 # short\n"), "{text}");
        let c = Config::load(&paths, &EnvOverrides::default()).expect("load");
        assert_eq!(c.dropbox.client_id.as_deref(), Some("abcdefghij12345"));
        assert_eq!(c.dropbox.redirect_port, 8765);
        assert_eq!(c.onedrive.client_id.as_deref(), Some("0000-id"));
        assert_eq!(c.onedrive.tenant.as_deref(), Some("consumers"));
        assert_eq!(c.login.timeout_secs, 60);
    }

    #[test]
    fn a_built_in_registration_is_used_when_none_is_configured() {
        let mut c = load(None, &EnvOverrides::default()).expect("defaults");
        c.builtin = BuiltinApps {
            onedrive_client_id: Some("built-in-od".into()),
            onedrive_tenant: Some("consumers".into()),
            dropbox_app_key: Some("builtinkey".into()),
        };
        let emu = Endpoints::emulator("http://127.0.0.1:1");
        for endpoints in [Endpoints::default(), emu] {
            let r = c.registration(ServiceKind::OneDrive, &endpoints).expect("built-in");
            assert_eq!((r.client_id.as_str(), r.tenant.as_str(), r.origin), ("built-in-od", "consumers", RegistrationOrigin::BuiltIn));
            let r = c.registration(ServiceKind::Dropbox, &endpoints).expect("built-in");
            assert_eq!((r.client_id.as_str(), r.origin), ("builtinkey", RegistrationOrigin::BuiltIn));
        }
        // The user's own registration wins, with the tenant set for it or `common`.
        let env = EnvOverrides { onedrive_client_id: Some("mine".into()), ..Default::default() };
        let mut own = load(None, &env).expect("env");
        own.builtin = c.builtin.clone();
        let r = own.registration(ServiceKind::OneDrive, &Endpoints::default()).expect("own");
        assert_eq!((r.client_id.as_str(), r.tenant.as_str(), r.origin), ("mine", "common", RegistrationOrigin::Own));
        // A tenant set by the user applies to the built-in id too.
        c.onedrive.tenant = Some("organizations".into());
        let r = c.registration(ServiceKind::OneDrive, &Endpoints::default()).expect("built-in");
        assert_eq!(r.tenant, "organizations");
    }
}
