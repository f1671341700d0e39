//! One file per CRM: where its endpoints live and which quirks it has.
//! Shared machinery: [`code_flow`] (authorization code), [`password`]
//! (password grant), [`credential`] (where secrets go on API requests).

pub mod agilecrm;
pub mod code_flow;
pub mod credential;
pub mod flexie;
pub mod flextell;
pub mod flowlu;
pub mod oauth2;
pub mod password;
pub mod tenant;
pub mod virtuous;
