//! One file per CRM: where its endpoints live, which quirks it has, and its
//! [`Provider`] entry in [`ALL`], the registry the bindings (and through
//! them the JS classes) dispatch on. Shared machinery: [`code_flow`]
//! (authorization code), [`password`] (password grant), [`credential`]
//! (where secrets go on API requests), [`tenant`] (hosts).

pub mod agilecrm;
pub mod code_flow;
pub mod credential;
pub mod flexie;
pub mod flextell;
pub mod flowlu;
pub mod hubspot;
pub mod oauth2;
pub mod password;
pub mod pipedrive;
pub mod salesforce;
pub mod tenant;
pub mod virtuous;
pub mod zoho;

use crate::core::error::{Error, Result};
use crate::core::options::Options;
use code_flow::{CodeFlow, Registration};
use credential::ApiKey;
use password::PasswordFlow;

/// What a CRM offers, built from the options its JS class was given.
pub struct Provider {
    /// The name errors and `Session` carry (`"flowlu"`, …).
    pub name: &'static str,
    /// Its authorization-code flow, if it has one.
    pub code_flow: Option<fn(&Options, Registration) -> Result<CodeFlow>>,
    /// Its code flow also takes the password grant (`OAuth2.login`).
    pub code_flow_password_grant: bool,
    /// Its password-grant flow, if it has one (instead of a code flow).
    pub password_flow: Option<fn(&Options) -> Result<PasswordFlow>>,
    /// Its static API key (`<Class>.apiKey(options)`), if it has one.
    pub api_key: Option<fn(&Options) -> Result<ApiKey>>,
    /// Reads an API error answer of the provider's own shape (Flowlu's
    /// `{error: {error_code}}`, Salesforce's `[{errorCode, message}]`).
    pub api_error: Option<fn(&str) -> Option<Error>>,
    /// Its API reports errors inside 2xx answers too: `Session` reads 200
    /// answers with `api_error` for an authorization failure.
    pub api_errors_in_2xx: bool,
    /// Besides 429, the status its API reports exhausted limits with;
    /// `Session` turns such an answer into `rate_limited` when `api_error`
    /// reads it as one (Salesforce: 403 `REQUEST_LIMIT_EXCEEDED`).
    pub rate_limit_status: Option<u16>,
    /// When `Session` refreshes an access token.
    pub refresh_trigger: RefreshTrigger,
}

/// What makes `Session` refresh: a provider property, as CRMs disagree on
/// what a 401 means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshTrigger {
    /// Before the known expiry, and once on a 401 (an expired or unknown
    /// expiry shows as a 401: Salesforce sends no `expires_in`).
    ExpiryOr401,
    /// Before the expiry only: its 401s are not about expiry (HubSpot).
    Expiry,
}

impl Provider {
    /// An entry with nothing: providers fill in what they have.
    pub const NONE: Provider = Provider {
        name: "",
        code_flow: None,
        code_flow_password_grant: false,
        password_flow: None,
        api_key: None,
        api_error: None,
        api_errors_in_2xx: false,
        rate_limit_status: None,
        refresh_trigger: RefreshTrigger::ExpiryOr401,
    };
}

/// Every CRM, once. Adding one: its file here, its entry in this list.
pub const ALL: [&Provider; 10] = [
    &flextell::PROVIDER,
    &flexie::PROVIDER,
    &agilecrm::PROVIDER,
    &oauth2::PROVIDER,
    &flowlu::PROVIDER,
    &virtuous::PROVIDER,
    &pipedrive::PROVIDER,
    &zoho::PROVIDER,
    &hubspot::PROVIDER,
    &salesforce::PROVIDER,
];

/// The registry entry named `name`.
pub fn find(name: &str) -> Option<&'static Provider> {
    ALL.into_iter().find(|p| p.name == name)
}
