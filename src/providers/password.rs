//! Resource-owner password grant providers (Flowlu, Virtuous): log in with
//! a user's credentials, no browser redirect.

use super::code_flow::{check_token, invalid};
use super::credential::Style;
use crate::core::encode::concat;
use crate::core::endpoint::check_endpoint;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::options::Options;
use crate::core::request::{self, Client, HttpRequest};
use crate::core::token::Answers;
use crate::prelude::*;

/// A configured password-grant client.
#[derive(Clone, Debug)]
pub struct PasswordFlow {
    /// Provider name used in errors.
    pub provider: &'static str,
    /// Where credentials and refresh tokens are exchanged.
    pub token_endpoint: String,
    /// Client identification, when the provider wants one.
    pub client: Option<Client>,
    /// How access tokens are attached to API requests.
    pub token_style: Style,
    /// How its token answers depart from RFC 6749 (set by the provider).
    pub answers: &'static Answers,
    /// Whether the provider issues refresh tokens at all.
    pub refreshable: bool,
    /// Base URL of the provider's API, when known.
    pub api_base: Option<String>,
}

impl PasswordFlow {
    /// Validates the endpoints; the flow refreshes unless `refreshable` is
    /// set to false afterwards.
    pub fn new(
        provider: &'static str,
        token_endpoint: String,
        api_base: Option<String>,
        client: Option<Client>,
        token_style: Style,
    ) -> Result<Self> {
        check_endpoint(&token_endpoint)?;
        if let Some(url) = &api_base {
            check_endpoint(url)?;
        }
        Ok(PasswordFlow {
            provider,
            token_endpoint,
            client,
            token_style,
            answers: &Answers::STANDARD,
            refreshable: true,
            api_base,
        })
    }

    /// The login request; `extra` carries provider fields such as `otp`.
    pub fn login_request(
        &self,
        username: &str,
        password: &str,
        extra: &[(&str, &str)],
    ) -> Result<HttpRequest> {
        if username.is_empty() || password.is_empty() {
            return Err(invalid("username and password must not be empty"));
        }
        Ok(request::password_grant(
            &self.token_endpoint,
            self.client.as_ref(),
            username,
            password,
            extra,
        ))
    }

    /// The refresh request.
    pub fn refresh_request(&self, refresh_token: &str) -> Result<HttpRequest> {
        if !self.refreshable {
            return Err(Error::new(
                ErrorCode::Unsupported,
                concat(&[self.provider, " issues no refresh tokens"]),
            ));
        }
        check_token(refresh_token, "refreshToken")?;
        Ok(request::refresh_grant(
            &self.token_endpoint,
            self.client.as_ref(),
            refresh_token,
        ))
    }
}

/// `flow`'s login request from `{username, password, otp?}` (the bindings'
/// and the Rust client's).
#[inline(always)]
pub fn login_request(flow: &PasswordFlow, o: &Options) -> Result<HttpRequest> {
    let otp = o.str("otp")?.filter(|v| !v.is_empty());
    let extra: &[(&str, &str)] = match &otp {
        Some(v) => &[("otp", v)],
        None => &[],
    };
    flow.login_request(o.required("username")?, o.required("password")?, extra)
}

/// Replaces an error's message, keeping its code and details.
pub fn explain(mut err: Error, message: &str) -> Error {
    err.message = message.to_owned();
    err
}
