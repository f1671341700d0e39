//! The OAuth 2.0 authorization-code flow (RFC 6749 §4.1 + PKCE, RFC 7636),
//! as pure data: every provider with a code flow is a [`CodeFlow`] value.

use crate::prelude::*;
use alloc::borrow::Cow;

use crate::core::callback;
use crate::core::encode::{append_query, concat, find_byte, head, join};
use crate::core::endpoint::{check_endpoint, join_origin, origin_of};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::pkce;
use crate::core::random;
use crate::core::request::{self, Client, ClientAuth, HttpRequest, HttpResponse};
use crate::core::secret::Secret;
use crate::core::token::{parse_token_response, TokenSet};

use super::credential::{Placement, Style};
use super::tenant::Host;

/// Parameters the flow sets itself; callers may not override them.
const RESERVED: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
];

/// A configured authorization-code client for one provider.
#[derive(Clone, Debug)]
pub struct CodeFlow {
    /// Provider name used in errors (`"flextell"`, `"oauth2"`, …).
    pub provider: &'static str,
    /// Where the user is sent to log in.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens are exchanged.
    pub token_endpoint: String,
    /// RFC 7009 endpoint, when the provider has one.
    pub revocation_endpoint: Option<String>,
    /// Expected `iss` callback parameter (RFC 9207).
    pub issuer: String,
    /// Client identity and authentication method.
    pub client: Client,
    /// The registered redirect URI, sent verbatim.
    pub redirect_uri: String,
    /// How access tokens are attached to API requests.
    pub token_style: Style,
    /// Base URL of the provider's API (paths of `Session.fetch` are joined
    /// to it), when known.
    pub api_base: Option<String>,
}

/// What the app registered with the provider: the same four settings for
/// every authorization-code provider, borrowed from the caller's options
/// (copied once the flow is valid).
#[derive(Clone, Copy, Debug)]
pub struct Registration<'a> {
    /// OAuth client id.
    pub client_id: &'a str,
    /// OAuth client secret (servers only).
    pub client_secret: Option<&'a str>,
    /// Registered redirect URI, sent verbatim (providers match it exactly).
    pub redirect_uri: &'a str,
    /// Expected `iss` on callbacks; defaults to the authorization endpoint's origin.
    pub issuer: Option<&'a str>,
}

/// A provider's OAuth endpoints and API base.
#[derive(Clone, Debug)]
pub struct Endpoints {
    /// Where the user is sent to log in.
    pub authorization: String,
    /// Where codes and refresh tokens are exchanged.
    pub token: String,
    /// RFC 7009 endpoint, when the provider has one.
    pub revocation: Option<String>,
    /// Base URL of the provider's API, when known.
    pub api: Option<String>,
}

/// What `createAuthorizationRequest` hands back: keep `state` and the
/// verifier until the callback arrives.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The URL to send the user to.
    pub url: String,
    /// The CSRF state to compare on callback.
    pub state: String,
    /// The PKCE verifier, when PKCE is on.
    pub code_verifier: Option<Secret>,
}

/// A hosted CRM's code flow: where it lives and its OAuth paths below that
/// origin (no revocation endpoint).
#[derive(Debug)]
pub struct HostedFlow {
    /// Name, production origin and API path.
    pub host: Host,
    /// Authorize path.
    pub authorize: &'static str,
    /// Token path.
    pub token: &'static str,
    /// Sends `Accept: application/json` with tokens (Agile CRM).
    pub accept_json: bool,
}

impl HostedFlow {
    /// The flow for `registration` at the tenant's (or given) origin, tokens
    /// placed as `placement` (a bad one is reported after a bad tenant).
    pub fn code_flow(&self, tenant: Option<&str>, origin: Option<&str>, placement: Result<Placement>, registration: Registration) -> Result<CodeFlow> {
        let origin = self.host.origin(tenant, origin)?;
        let placement = placement?;
        let endpoints = Endpoints::at(&origin, self.authorize, self.token, self.host.api)?;
        let style = Style { placement, accept_json: self.accept_json };
        CodeFlow::registered(self.host.name, endpoints, registration, ClientAuth::SecretPost, style)
    }
}

impl Endpoints {
    /// A provider's fixed paths below `origin` (no revocation endpoint).
    pub fn at(origin: &str, authorization: &str, token: &str, api: &str) -> Result<Self> {
        Ok(Endpoints {
            authorization: join_origin(origin, authorization)?,
            token: join_origin(origin, token)?,
            revocation: None,
            api: Some(join_origin(origin, api)?),
        })
    }
}

impl CodeFlow {
    /// A flow for `registration`, authenticating the client with `auth` and
    /// sending tokens as `token_style`. Validates endpoints and client
    /// settings; `issuer` defaults to the authorization endpoint's origin.
    pub fn registered(
        provider: &'static str,
        endpoints: Endpoints,
        registration: Registration,
        auth: ClientAuth,
        token_style: Style,
    ) -> Result<Self> {
        let Endpoints { authorization: authorization_endpoint, token: token_endpoint, revocation: revocation_endpoint, api: api_base } =
            endpoints;
        let Registration { client_id, client_secret, redirect_uri, issuer } = registration;
        check_endpoint(&authorization_endpoint)?;
        check_endpoint(&token_endpoint)?;
        for url in revocation_endpoint.iter().chain(&api_base) {
            check_endpoint(url)?;
        }
        if client_id.is_empty() {
            return Err(invalid("clientId must not be empty"));
        }
        check_redirect_uri(redirect_uri)?;
        let issuer = match issuer {
            Some(iss) => iss.to_owned(),
            None => origin_of(&authorization_endpoint)?,
        };
        Ok(CodeFlow {
            provider,
            authorization_endpoint,
            token_endpoint,
            revocation_endpoint,
            issuer,
            client: Client { client_id: client_id.to_owned(), client_secret: client_secret.map(Secret::from), auth },
            redirect_uri: redirect_uri.to_owned(),
            token_style,
            api_base,
        })
    }

    /// Builds the authorize URL with a fresh state and, when `pkce`, an S256
    /// challenge.
    pub fn authorization_request(
        &self,
        scopes: &[String],
        pkce: bool,
        params: &[(String, String)],
    ) -> Result<AuthorizationRequest> {
        if let Some((name, _)) = params.iter().find(|(k, _)| RESERVED.contains(&k.as_str())) {
            return Err(invalid(concat(&["params may not set `", name, "`"])));
        }
        let state = random::token()?;
        let (challenge, code_verifier) = if pkce {
            let p = pkce::generate()?;
            (Some(p.challenge), Some(p.verifier))
        } else {
            (None, None)
        };
        let scope = join(scopes, " ");
        let mut query: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", &self.client.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("state", &state),
        ];
        if !scope.is_empty() {
            query.push(("scope", &scope));
        }
        if let Some(challenge) = &challenge {
            query.push(("code_challenge", challenge));
            query.push(("code_challenge_method", "S256"));
        }
        for (k, v) in params {
            query.push((k, v));
        }
        let url = append_query(&self.authorization_endpoint, &query);
        Ok(AuthorizationRequest { url, state, code_verifier })
    }

    /// Parses the redirect back from the provider and checks state and
    /// `iss`: the code, borrowed from `url` where it needed no decoding.
    pub fn callback_code<'a>(&self, url: &'a str, expected_state: &str) -> Result<Cow<'a, str>> {
        callback::callback_code(url, expected_state, Some(&self.issuer))
    }

    /// The token request for an authorization code.
    pub fn exchange_request(&self, code: &str, code_verifier: Option<&str>) -> Result<HttpRequest> {
        if code.is_empty() {
            return Err(invalid("code must not be empty"));
        }
        if let Some(v) = code_verifier {
            if !pkce::is_valid_verifier(v) {
                return Err(invalid("codeVerifier must be 43-128 unreserved characters"));
            }
        }
        Ok(request::code_grant(&self.token_endpoint, &self.client, code, &self.redirect_uri, code_verifier))
    }

    /// A resource-owner password grant with this client (RFC 6749 §4.3).
    pub fn password_request(&self, username: &str, password: &str, scopes: &[String]) -> Result<HttpRequest> {
        if username.is_empty() || password.is_empty() {
            return Err(invalid("username and password must not be empty"));
        }
        let scope = join(scopes, " ");
        let extra: &[(&str, &str)] = if scope.is_empty() { &[] } else { &[("scope", &scope)] };
        Ok(request::password_grant(&self.token_endpoint, Some(&self.client), username, password, extra))
    }

    /// The token request for a refresh.
    pub fn refresh_request(&self, refresh_token: &str) -> Result<HttpRequest> {
        if refresh_token.is_empty() {
            return Err(invalid("refreshToken must not be empty"));
        }
        Ok(request::refresh_grant(&self.token_endpoint, Some(&self.client), refresh_token))
    }

    /// Parses a refresh answer; a response without a new refresh token keeps
    /// the old one (providers that do not rotate omit it).
    pub fn parse_refresh(&self, resp: &HttpResponse, old: &str, now_ms: f64) -> Result<TokenSet> {
        let mut tokens = parse_token_response(resp, now_ms)?;
        tokens.keep_refresh_token(Some(old));
        Ok(tokens)
    }

    /// The RFC 7009 revocation request, or `unsupported` when the provider
    /// has no revocation endpoint (nothing is sent then).
    pub fn revoke_request(&self, token: &str) -> Result<HttpRequest> {
        let Some(endpoint) = &self.revocation_endpoint else {
            return Err(Error::new(
                ErrorCode::Unsupported,
                concat(&[self.provider, " has no token revocation endpoint"]),
            ));
        };
        if token.is_empty() {
            return Err(invalid("token must not be empty"));
        }
        Ok(request::revoke_request(endpoint, &self.client, token, None))
    }
}

/// Redirect URIs on http(s) follow the endpoint rules (no plain http off
/// loopback); private-use schemes of native apps (`com.example:/cb`) pass.
fn check_redirect_uri(uri: &str) -> Result<()> {
    let scheme = head(uri, b":").to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" => check_endpoint(uri),
        _ if find_byte(uri, b":").is_some() && !uri.chars().any(|c| c.is_whitespace() || c.is_control()) => Ok(()),
        _ => Err(invalid("redirectUri must be an absolute URI")),
    }
}

/// Shorthand for an `invalid_argument` error.
pub fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}
