//! App registrations across the bridge: a refused registration's problem
//! (carried inside the error's details), and what the assistant shows.

use crate::bridge::{RegistrationIssue, Service, SetupInfo};
use crate::guard::{guarded, guarded_infallible};
use crate::session::service_kind;
use crate::BridgeResult;
use dkcloud_engine::config::{Config, EnvOverrides, Paths};
use dkcloud_engine::registration::{check_id_format, setup_values, RegistrationOrigin, RegistrationProblem};
use dkcloud_engine::ServiceKind;

/// Separates the fields of a refused registration inside an error's details.
const FIELD: char = '\u{1e}';

/// The details of a `RegistrationRefused` error: problem, value, origin,
/// setting, what the service said.
pub(crate) fn encode(service: ServiceKind, problem: &RegistrationProblem, origin: RegistrationOrigin, said: &str) -> String {
    [problem.code(), problem.value(), origin.as_str(), &problem.setting(service), said].join(&FIELD.to_string())
}

pub fn registration_issue_of(what: &str) -> RegistrationIssue {
    guarded_infallible("registrationIssueOf", || issue(what))
}

fn issue(what: &str) -> RegistrationIssue {
    if crate::error_kind_of(what) != crate::bridge::ErrorKind::RegistrationRefused {
        return RegistrationIssue::default();
    }
    let detail = crate::error_detail_of(what);
    let mut fields = detail.split(FIELD).map(str::to_owned);
    let mut next = || fields.next().unwrap_or_default();
    RegistrationIssue {
        problem: next(),
        value: next(),
        built_in: next() == RegistrationOrigin::BuiltIn.as_str(),
        setting: next(),
        said: next(),
    }
}

pub fn setup_info(service: Service) -> BridgeResult<SetupInfo> {
    guarded("setupInfo", || {
        let service = service_kind(service)?;
        let config = Config::load(&Paths::from_env()?, &EnvOverrides::from_env())?;
        let values = setup_values(service, config.dropbox.redirect_port);
        Ok(SetupInfo {
            portal_url: values.portal_url.to_owned(),
            redirect_uri: values.redirect_uri,
            permissions: values.permissions.iter().map(|p| (*p).to_owned()).collect(),
            has_built_in: config.builtin.client_id(service).is_some(),
        })
    })
}

pub fn check_app_id_format(service: Service, id: &str) -> String {
    guarded_infallible("checkAppIdFormat", || match service_kind(service) {
        Ok(service) => check_id_format(service, id).err().unwrap_or_default(),
        Err(e) => e.detail().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_registration_crosses_with_its_problem() {
        let e = dkcloud_engine::Error::Registration {
            service: ServiceKind::Dropbox,
            problem: RegistrationProblem::MissingPermission { scope: "sharing.write".into() },
            origin: RegistrationOrigin::BuiltIn,
            detail: "missing_scope/".into(),
        };
        let what = crate::BridgeError::from(e).0;
        assert_eq!(crate::error_kind_of(&what), crate::bridge::ErrorKind::RegistrationRefused);
        let issue = registration_issue_of(&what);
        assert_eq!((issue.problem.as_str(), issue.value.as_str(), issue.built_in), ("missing_permission", "sharing.write", true));
        assert!(issue.setting.contains("Permissions"), "{}", issue.setting);
        assert_eq!(issue.said, "missing_scope/");
        assert_eq!(registration_issue_of("network\u{1f}down").problem, "");
    }
}
