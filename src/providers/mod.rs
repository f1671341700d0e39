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
pub mod oauth2;
pub mod password;
pub mod pipedrive;
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
    /// Reads an API answer that reports an error with a 2xx status; with
    /// one, `Session` checks 200 answers for an authorization failure.
    pub api_error: Option<fn(&str) -> Option<Error>>,
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
    };
}

/// Every CRM, once. Adding one: its file here, its entry in this list.
pub const ALL: [&Provider; 8] = [
    &flextell::PROVIDER,
    &flexie::PROVIDER,
    &agilecrm::PROVIDER,
    &oauth2::PROVIDER,
    &flowlu::PROVIDER,
    &virtuous::PROVIDER,
    &pipedrive::PROVIDER,
    &zoho::PROVIDER,
];

/// The registry entry named `name`.
pub fn find(name: &str) -> Option<&'static Provider> {
    ALL.into_iter().find(|p| p.name == name)
}
