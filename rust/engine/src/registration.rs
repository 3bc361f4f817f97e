//! App registrations: the one compiled into this build, where the one in use
//! came from, and what a service's refusal of it means.
//!
//! A distributor builds dkcloud with `DKCLOUD_BUILTIN_ONEDRIVE_CLIENT_ID`,
//! `DKCLOUD_BUILTIN_ONEDRIVE_TENANT` and `DKCLOUD_BUILTIN_DROPBOX_APP_KEY` set
//! in cargo's environment; users of that build sign in with no registration
//! step. config.toml, the plugin's *App Registration...* and the `DKCLOUD_*`
//! variables still win over it.
//!
//! The services refuse a wrong registration in their own words (Microsoft's
//! AADSTS codes, Dropbox's error page); [`RegistrationProblem`] is what such a
//! refusal means, so that every front end can name the setting to change.

use crate::ServiceKind;

/// The Dropbox permissions dkcloud's features need, asked for explicitly so that a
/// login with an app that lacks one fails at once, naming it: the account's
/// name (`account_info.read`), listing and creating folders
/// (`files.metadata.*`), uploads and the check of what is stored
/// (`files.content.*`), sharing links (`sharing.*`, sharing.stone).
pub(crate) const DROPBOX_SCOPES: &str = "account_info.read files.metadata.read files.metadata.write files.content.read \
                          files.content.write sharing.read sharing.write";

/// Registrations compiled into this build; absent ones are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuiltinApps {
    pub onedrive_client_id: Option<String>,
    /// The tenant that goes with the built-in OneDrive id (`common` unless set).
    pub onedrive_tenant: Option<String>,
    pub dropbox_app_key: Option<String>,
}

fn compiled(value: Option<&'static str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

impl BuiltinApps {
    /// What this build was given at compile time.
    pub fn compiled() -> Self {
        Self {
            onedrive_client_id: compiled(option_env!("DKCLOUD_BUILTIN_ONEDRIVE_CLIENT_ID")),
            onedrive_tenant: compiled(option_env!("DKCLOUD_BUILTIN_ONEDRIVE_TENANT")),
            dropbox_app_key: compiled(option_env!("DKCLOUD_BUILTIN_DROPBOX_APP_KEY")),
        }
    }

    pub fn client_id(&self, service: ServiceKind) -> Option<&str> {
        match service {
            ServiceKind::OneDrive => self.onedrive_client_id.as_deref(),
            ServiceKind::Dropbox => self.dropbox_app_key.as_deref(),
        }
    }
}

/// Where the registration in use comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationOrigin {
    /// The user's own: config.toml, a `DKCLOUD_*` variable, the plugin's settings.
    Own,
    /// Compiled into this build by its distributor.
    BuiltIn,
    /// The emulator's fixed test id (no registration configured).
    Emulator,
}

impl RegistrationOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::BuiltIn => "built_in",
            Self::Emulator => "emulator",
        }
    }
}

/// What a service's refusal of the app registration means. Each names one
/// setting of the app in the service's portal (see [`RegistrationProblem::setting`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationProblem {
    /// The service knows no app with this client id / app key.
    UnknownApp,
    /// The redirect URI the login uses is not registered with the app.
    RedirectNotRegistered { redirect_uri: String },
    /// The app's supported account types do not fit the tenant the login
    /// uses (e.g. a personal-accounts-only app at `common`).
    AccountTypes { tenant: String, personal_only: bool },
    /// The device code login needs "Allow public client flows".
    PublicClientFlowsOff,
    /// The redirect URI is registered on a platform that needs a client
    /// secret (Microsoft's "Web"), not as a desktop app's.
    NeedsSecret,
    /// The app lacks a permission (scope) a feature needs.
    MissingPermission { scope: String },
}

impl RegistrationProblem {
    /// A stable name, for front ends that word the problem themselves.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownApp => "unknown_app",
            Self::RedirectNotRegistered { .. } => "redirect_not_registered",
            Self::AccountTypes { personal_only: true, .. } => "personal_accounts_only",
            Self::AccountTypes { personal_only: false, .. } => "account_types",
            Self::PublicClientFlowsOff => "public_client_flows_off",
            Self::NeedsSecret => "needs_desktop_platform",
            Self::MissingPermission { .. } => "missing_permission",
        }
    }

    /// The value the problem is about (a redirect URI, a tenant, a scope), or empty.
    pub fn value(&self) -> &str {
        match self {
            Self::RedirectNotRegistered { redirect_uri } => redirect_uri,
            Self::AccountTypes { tenant, .. } => tenant,
            Self::MissingPermission { scope } => scope,
            _ => "",
        }
    }

    /// The setting in the service's portal that fixes it, in English.
    pub fn setting(&self, service: ServiceKind) -> String {
        match (service, self) {
            (ServiceKind::OneDrive, Self::UnknownApp) => "Microsoft Entra admin center > App registrations: no app has this \
                Application (client) ID; copy the ID from the app's Overview page"
                .into(),
            (ServiceKind::Dropbox, Self::UnknownApp) => {
                "Dropbox App Console: no app has this app key; copy the App key from the app's Settings tab".into()
            }
            (ServiceKind::OneDrive, Self::RedirectNotRegistered { .. }) => "Microsoft Entra admin center > App \
                registrations > the app > Authentication: add the platform \"Mobile and desktop applications\" with the \
                redirect URI http://localhost"
                .into(),
            (ServiceKind::Dropbox, Self::RedirectNotRegistered { redirect_uri }) => format!(
                "Dropbox App Console > the app > Settings > OAuth 2 > Redirect URIs: add {redirect_uri} exactly"
            ),
            (_, Self::AccountTypes { personal_only: true, .. }) => "the app accepts personal Microsoft accounts only: \
                use the tenant \"consumers\", or set Microsoft Entra admin center > App registrations > the app > \
                Authentication > Supported account types to \"Accounts in any organizational directory and personal \
                Microsoft accounts\""
                .into(),
            (_, Self::AccountTypes { tenant, .. }) => format!(
                "the app's supported account types do not include the accounts of tenant \"{tenant}\": set Microsoft \
                 Entra admin center > App registrations > the app > Authentication > Supported account types to \
                 \"Accounts in any organizational directory and personal Microsoft accounts\", or use the tenant the \
                 app is registered for"
            ),
            (_, Self::PublicClientFlowsOff) => "Microsoft Entra admin center > App registrations > the app > \
                Authentication > Advanced settings: set \"Allow public client flows\" to Yes"
                .into(),
            (_, Self::NeedsSecret) => "Microsoft Entra admin center > App registrations > the app > Authentication: \
                http://localhost is registered under \"Web\"; remove it there and add it under \"Mobile and desktop \
                applications\""
                .into(),
            (ServiceKind::Dropbox, Self::MissingPermission { scope }) => format!(
                "Dropbox App Console > the app > Permissions: tick {scope} and press Submit, then log in again (a \
                 login keeps the permissions the app had when it was made)"
            ),
            (ServiceKind::OneDrive, Self::MissingPermission { scope }) => format!(
                "Microsoft Entra admin center > App registrations > the app > API permissions: add the Microsoft Graph \
                 delegated permission {scope}, then log in again"
            ),
        }
    }
}

/// The values a person enters when registering an app for dkcloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupValues {
    /// Where apps are registered.
    pub portal_url: &'static str,
    /// The redirect URI to register (Microsoft: under "Mobile and desktop
    /// applications"; Dropbox: exactly, port included).
    pub redirect_uri: String,
    /// The permissions (delegated scopes) to give the app.
    pub permissions: Vec<&'static str>,
}

/// What to register for `service`; `dropbox_port` is the loopback port the
/// Dropbox login uses (config.toml `[dropbox] redirect_port`).
pub fn setup_values(service: ServiceKind, dropbox_port: u16) -> SetupValues {
    match service {
        ServiceKind::OneDrive => SetupValues {
            portal_url: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
            redirect_uri: "http://localhost".into(),
            permissions: vec!["Files.ReadWrite", "User.Read", "offline_access"],
        },
        ServiceKind::Dropbox => SetupValues {
            portal_url: "https://www.dropbox.com/developers/apps/create",
            redirect_uri: format!("http://localhost:{dropbox_port}/"),
            permissions: DROPBOX_SCOPES.split_whitespace().collect(),
        },
    }
}

/// Whether `id` looks like the service's app id: Microsoft's Application
/// (client) ID is a GUID; a Dropbox app key is a short run of lower-case
/// letters and digits. The error says what was expected.
pub fn check_id_format(service: ServiceKind, id: &str) -> Result<(), String> {
    let id = id.trim();
    match service {
        ServiceKind::OneDrive => {
            let groups: Vec<&str> = id.split('-').collect();
            let lengths_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
            if lengths_ok && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit())) {
                Ok(())
            } else {
                Err(format!(
                    "'{id}' is not an Application (client) ID: Microsoft's look like \
                     00000000-0000-0000-0000-000000000000 (the app's Overview page shows it)"
                ))
            }
        }
        ServiceKind::Dropbox => {
            if (10..=20).contains(&id.len()) && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
                Ok(())
            } else {
                Err(format!(
                    "'{id}' is not a Dropbox app key: app keys are about 15 lower-case letters and digits (the \
                     app's Settings tab shows it as \"App key\"; the App secret is not needed)"
                ))
            }
        }
    }
}

/// What to tell a person while the sign-in page is open: the errors it may
/// show that only the user sees (the service never redirects back with
/// them), and what each means. `redirect_uri` is the one the login uses.
pub fn sign_in_page_hint(service: ServiceKind, redirect_uri: &str) -> String {
    match service {
        ServiceKind::OneDrive => "If the sign-in page shows an error instead: AADSTS50011 means the app lacks the \
            redirect URI http://localhost under \"Mobile and desktop applications\"; AADSTS700016, an unknown \
            client ID; AADSTS50020, an account type the app does not accept."
            .into(),
        ServiceKind::Dropbox => format!(
            "If the sign-in page shows an error instead: \"Invalid redirect_uri\" means the app lacks the redirect \
             URI {redirect_uri} (exactly); \"Invalid client_id\", an unknown app key."
        ),
    }
}

/// What a Microsoft identity error means for the registration, from its
/// AADSTS code (in `error_codes` or at the start of the description).
/// `tenant` is the one the request used.
pub(crate) fn microsoft_problem(description: &str, codes: &[u64], tenant: &str) -> Option<RegistrationProblem> {
    let mut all: Vec<u64> = codes.to_vec();
    all.extend(aadsts_codes(description));
    all.iter().find_map(|code| match code {
        // Application with identifier '...' was not found in the directory.
        700016 => Some(RegistrationProblem::UnknownApp),
        // The redirect URI does not match the ones configured for the application.
        50011 => Some(RegistrationProblem::RedirectNotRegistered { redirect_uri: "http://localhost".into() }),
        // Configured for Microsoft Account users only: use /consumers.
        9002331 => Some(RegistrationProblem::AccountTypes { tenant: tenant.into(), personal_only: true }),
        // Not configured as a multi-tenant application / not enabled for
        // consumers / the user's account is not in the app's tenant.
        50194 | 50020 | 9002332 | 500200 => {
            Some(RegistrationProblem::AccountTypes { tenant: tenant.into(), personal_only: false })
        }
        // The request body must contain 'client_assertion' or 'client_secret':
        // the app is a confidential ("Web") client for this grant.
        7000218 => Some(RegistrationProblem::NeedsSecret),
        _ => None,
    })
}

/// Every `AADSTSnnnn` code in a text.
fn aadsts_codes(text: &str) -> Vec<u64> {
    text.match_indices("AADSTS")
        .filter_map(|(at, tag)| {
            let digits: String = text[at + tag.len()..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// What Dropbox's authorize error page (HTTP 400) says about the registration.
pub(crate) fn dropbox_page_problem(text: &str, redirect_uri: Option<&str>) -> Option<RegistrationProblem> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("redirect_uri") {
        return Some(RegistrationProblem::RedirectNotRegistered { redirect_uri: redirect_uri.unwrap_or("").into() });
    }
    if lower.contains("client_id") || lower.contains("app key") || lower.contains("app_key") {
        return Some(RegistrationProblem::UnknownApp);
    }
    if lower.contains("scope") {
        // Dropbox scopes are dotted lower-case words (`sharing.write`).
        let mut scopes: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || "\"'`,;:()".contains(c))
            .map(|w| w.trim_end_matches('.'))
            .filter(|w| w.contains('.') && w.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'))
            .collect();
        scopes.dedup();
        return Some(RegistrationProblem::MissingPermission { scope: scopes.join(", ") });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_codes_are_read_from_the_list_or_the_description() {
        let p = microsoft_problem("AADSTS700016: Application with identifier 'x' was not found", &[], "common");
        assert_eq!(p, Some(RegistrationProblem::UnknownApp));
        let p = microsoft_problem("", &[9002331], "common");
        assert_eq!(p, Some(RegistrationProblem::AccountTypes { tenant: "common".into(), personal_only: true }));
        assert_eq!(microsoft_problem("AADSTS70000: bad grant", &[70000], "common"), None);
    }

    #[test]
    fn dropbox_page_texts_name_their_problem() {
        let page = "Error (400) It seems the app you were using submitted a bad request. Invalid redirect_uri.";
        assert_eq!(
            dropbox_page_problem(page, Some("http://localhost:53682/")),
            Some(RegistrationProblem::RedirectNotRegistered { redirect_uri: "http://localhost:53682/".into() })
        );
        assert_eq!(dropbox_page_problem("Invalid client_id: \"abc\"", None), Some(RegistrationProblem::UnknownApp));
        assert_eq!(
            dropbox_page_problem("invalid_scope: Your app does not have the scope sharing.write.", None),
            Some(RegistrationProblem::MissingPermission { scope: "sharing.write".into() })
        );
        assert_eq!(
            dropbox_page_problem("Invalid scope: \"sharing.read sharing.write\": not enabled. See the App Console.", None),
            Some(RegistrationProblem::MissingPermission { scope: "sharing.read, sharing.write".into() })
        );
        // Dropbox's page (and the emulator's) has a sentence ending in "request." before the scope.
        let page = "Error (400) It seems the app you were using submitted a bad request. Invalid scope: \"sharing.write\": \
                    the app does not have these permissions enabled.";
        assert_eq!(
            dropbox_page_problem(page, None),
            Some(RegistrationProblem::MissingPermission { scope: "sharing.write".into() })
        );
        assert_eq!(dropbox_page_problem("Something else broke", None), None);
    }

    #[test]
    fn app_ids_are_checked_for_their_form() {
        assert!(check_id_format(ServiceKind::OneDrive, " 6b5f2c2e-1b2a-4d3c-9e8f-0a1b2c3d4e5f ").is_ok());
        let e = check_id_format(ServiceKind::OneDrive, "my-app").unwrap_err();
        assert!(e.contains("Overview"), "{e}");
        assert!(check_id_format(ServiceKind::Dropbox, "a1b2c3d4e5f6g7h").is_ok());
        assert!(check_id_format(ServiceKind::Dropbox, "A1B2C3D4E5F6G7H").is_err());
        assert!(check_id_format(ServiceKind::Dropbox, "6b5f2c2e-1b2a-4d3c-9e8f-0a1b2c3d4e5f").is_err());
    }

    #[test]
    fn every_problem_names_a_portal_setting() {
        for p in [
            RegistrationProblem::UnknownApp,
            RegistrationProblem::RedirectNotRegistered { redirect_uri: "http://localhost:53682/".into() },
            RegistrationProblem::AccountTypes { tenant: "common".into(), personal_only: true },
            RegistrationProblem::PublicClientFlowsOff,
            RegistrationProblem::NeedsSecret,
            RegistrationProblem::MissingPermission { scope: "sharing.write".into() },
        ] {
            for service in ServiceKind::ALL {
                let s = p.setting(service);
                assert!(s.contains("Entra") || s.contains("App Console") || s.contains("consumers"), "{s}");
            }
        }
    }
}
