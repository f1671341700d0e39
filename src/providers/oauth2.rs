//! Any OAuth 2.0 server: endpoints and client authentication are given in
//! full by the caller.

use super::code_flow::{invalid, CodeFlow, Endpoints, Registration};
use super::credential::Style;
use super::tenant::api_base;
use super::Provider;
use crate::core::error::Result;
use crate::core::options::Options;
use crate::core::request::ClientAuth;
use crate::prelude::*;

/// Provider name used in errors.
pub const NAME: &str = "oauth2";

/// Settings for a generic OAuth 2.0 client.
#[derive(Clone, Copy, Debug)]
pub struct OAuth2Config<'a> {
    /// Full authorize URL.
    pub authorization_endpoint: &'a str,
    /// Full token URL.
    pub token_endpoint: &'a str,
    /// Full RFC 7009 revocation URL, if the server has one.
    pub revocation_endpoint: Option<&'a str>,
    /// Client id, secret, redirect URI and expected issuer.
    pub registration: Registration<'a>,
    /// `client_secret_post` (default with a secret), `client_secret_basic`
    /// or `none` (default without a secret).
    pub client_auth: Option<&'a str>,
    /// Full base URL of the server's API, if the caller names one.
    pub api_base: Option<&'a str>,
}

/// Parses a client authentication method name (RFC 7591 names).
pub fn client_auth(name: Option<&str>, has_secret: bool) -> Result<ClientAuth> {
    match name {
        None if has_secret => Ok(ClientAuth::SecretPost),
        None | Some("none") => Ok(ClientAuth::None),
        Some("client_secret_post") => Ok(ClientAuth::SecretPost),
        Some("client_secret_basic") => Ok(ClientAuth::SecretBasic),
        Some(_) => Err(invalid(
            "clientAuth must be \"client_secret_post\", \"client_secret_basic\" or \"none\"",
        )),
    }
}

/// Builds the generic code flow.
pub fn code_flow(config: OAuth2Config) -> Result<CodeFlow> {
    let auth = client_auth(
        config.client_auth,
        config.registration.client_secret.is_some(),
    )?;
    if auth != ClientAuth::None && config.registration.client_secret.is_none() {
        return Err(invalid("clientSecret is required for this clientAuth"));
    }
    let endpoints = Endpoints {
        authorization: config.authorization_endpoint.to_owned(),
        token: config.token_endpoint.to_owned(),
        revocation: config.revocation_endpoint.map(str::to_owned),
        api: config.api_base.map(api_base).transpose()?,
    };
    CodeFlow::registered(NAME, endpoints, config.registration, auth, Style::BEARER)
}

/// Any OAuth 2.0 server in the registry: a code flow from full endpoint
/// URLs, which also takes the password grant.
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(from_options),
    code_flow_password_grant: true,
    ..Provider::NONE
};

fn from_options(o: &Options, registration: Registration) -> Result<CodeFlow> {
    code_flow(OAuth2Config {
        authorization_endpoint: o.required("authorizationEndpoint")?,
        token_endpoint: o.required("tokenEndpoint")?,
        revocation_endpoint: o.str("revocationEndpoint")?,
        registration,
        client_auth: o.str("clientAuth")?,
        api_base: o.str("apiBase")?,
    })
}
