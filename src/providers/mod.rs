//! One file per CRM: where its endpoints live and which quirks it has.
//! The shared authorization-code machinery lives in [`code_flow`].

pub mod code_flow;
pub mod flextell;
pub mod oauth2;
