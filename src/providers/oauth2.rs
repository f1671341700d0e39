//! Any OAuth 2.0 server: endpoints and client authentication are given in
//! full by the caller.

use super::code_flow::{invalid, CodeFlow, Endpoints};
use crate::core::error::Result;
use crate::core::request::{Client, ClientAuth};
use crate::core::secret::Secret;

/// Provider name used in errors.
pub const NAME: &str = "oauth2";

/// Settings for a generic OAuth 2.0 client.
#[derive(Debug)]
pub struct OAuth2Config {
    /// Full authorize URL.
    pub authorization_endpoint: String,
    /// Full token URL.
    pub token_endpoint: String,
    /// Full RFC 7009 revocation URL, if the server has one.
    pub revocation_endpoint: Option<String>,
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret (servers only).
    pub client_secret: Option<Secret>,
    /// Registered redirect URI.
    pub redirect_uri: String,
    /// `client_secret_post` (default with a secret), `client_secret_basic`
    /// or `none` (default without a secret).
    pub client_auth: Option<String>,
    /// Expected `iss` on callbacks; defaults to the authorize URL's origin.
    pub issuer: Option<String>,
    /// Full base URL of the server's API, if the caller names one.
    pub api_base: Option<String>,
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
    let auth = client_auth(config.client_auth.as_deref(), config.client_secret.is_some())?;
    if auth != ClientAuth::None && config.client_secret.is_none() {
        return Err(invalid("clientSecret is required for this clientAuth"));
    }
    let client = Client { client_id: config.client_id, client_secret: config.client_secret, auth };
    let endpoints = Endpoints {
        authorization: config.authorization_endpoint,
        token: config.token_endpoint,
        revocation: config.revocation_endpoint,
        api: config.api_base,
    };
    CodeFlow::new(NAME, endpoints, config.issuer, client, config.redirect_uri)
}
