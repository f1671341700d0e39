//! [`Provider`]: one CRM's flows, built by its registry entry from options,
//! run over an [`HttpClient`]. Every provider type is `Provider<K>` for a
//! marker `K` naming its registry entry (see `crm!` in `mod.rs`).

use std::borrow::ToOwned;
use std::marker::PhantomData;
use std::string::String;
use std::sync::Arc;
use std::vec::Vec;

use serde::Serialize;

use super::api_key::ApiKeyCredentials;
use super::clock::now_ms;
use super::error::{Error, Result};
use super::http::{HttpClient, Request, Response};
use crate::core::encode::form_pairs;
use crate::core::error::{Error as CoreError, ErrorCode};
use crate::core::options::Options;
use crate::core::request::{parse_revoke_response, HttpRequest, HttpResponse};
use crate::core::secret::Secret;
use crate::core::token::{parse_token_response, TokenSet};
use crate::providers::code_flow::{self, check_token, AuthorizationRequest, CodeFlow};
use crate::providers::credential::Style;
use crate::providers::password::{self, PasswordFlow};
use crate::providers::{self, Provider as Entry};

/// Token answers larger than this are refused (`invalid_response`), as in JS.
const MAX_TOKEN_ANSWER: usize = 1024 * 1024;

/// Names a registry entry: the marker type behind each provider type.
pub trait Crm {
    /// The registry name (`providers::find`).
    const NAME: &'static str;
}

/// `create_authorization_request`'s options (JS `AuthorizationRequestOptions`).
#[derive(Clone, Debug, Default)]
pub struct AuthorizationRequestOptions {
    /// Joined with spaces into `scope`; empty: the constructor's `scopes`.
    pub scopes: Vec<String>,
    /// PKCE S256; `None`: the provider's default (on, except where it
    /// takes none, e.g. Pipedrive).
    pub pkce: Option<bool>,
    /// Extra query parameters (may not override the flow's own).
    pub params: Vec<(String, String)>,
}

/// `login`'s options (JS `{username, password, otp?, scopes?}`).
#[derive(Clone, Default, Serialize)]
pub struct LoginOptions {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
    /// Virtuous's two-factor code, after an `otp_required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// Scopes (`OAuth2`'s password grant).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

/// Redacted: no password or code.
impl core::fmt::Debug for LoginOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoginOptions")
            .field("username", &self.username)
            .field("has_otp", &self.otp.is_some())
            .finish_non_exhaustive()
    }
}

/// What `parse_callback` read: the code (a secret), the state it matched
/// and, for Zoho CRM, the accounts server (data centre) it named.
#[derive(Debug)]
pub struct Callback {
    /// The authorization code, for [`Provider::exchange_code`].
    pub code: Secret,
    /// The state, as checked.
    pub state: String,
    /// The token host the callback named, checked against the provider's
    /// own (Zoho's `accounts-server`): pass it to
    /// [`Provider::exchange_code`]. `None` for the others.
    pub accounts_server: Option<String>,
}

/// A flow built by the registry.
// One per provider value, behind an Arc: the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Flow {
    Code(CodeFlow),
    Password(PasswordFlow),
}

/// The untyped core of every provider type (and what a
/// [`Session`](super::Session) holds).
pub(crate) struct Shared {
    pub(crate) entry: &'static Entry,
    flow: Flow,
    pub(crate) http: Arc<dyn HttpClient>,
}

/// One CRM: the flows its registry entry offers (authorization code, or the
/// password grant) over an [`HttpClient`]. Methods a CRM lacks answer
/// `unsupported` (Flowlu has no `refresh`, Flextell no `login`).
pub struct Provider<K> {
    pub(crate) shared: Arc<Shared>,
    kind: PhantomData<fn() -> K>,
}

impl<K> Clone for Provider<K> {
    fn clone(&self) -> Self {
        Provider {
            shared: self.shared.clone(),
            kind: PhantomData,
        }
    }
}

/// Shows the provider and its API base only.
impl<K> core::fmt::Debug for Provider<K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Provider")
            .field("name", &self.shared.entry.name)
            .field("api_base", &self.api_base())
            .finish_non_exhaustive()
    }
}

/// `value` as the JSON the registry reads (JS passes `JSON.stringify(options)`).
pub(crate) fn options_json(provider: &'static str, value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|_| {
        Error::of(
            provider,
            ErrorCode::InvalidArgument,
            "options must serialize to JSON",
        )
    })
}

/// The registry entry `K` names.
pub(crate) fn entry<K: Crm>() -> Result<&'static Entry> {
    providers::find(K::NAME)
        .ok_or_else(|| Error::of("crm-auth", ErrorCode::InvalidArgument, "unknown provider"))
}

/// Whether this runs in a browser page (the client-secret guard).
#[cfg(target_arch = "wasm32")]
fn in_browser() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"document".into()).unwrap_or(false)
}

#[cfg(not(target_arch = "wasm32"))]
fn in_browser() -> bool {
    false
}

impl<K: Crm> Provider<K> {
    /// Builds the provider from its JS constructor options, in their JS
    /// names (`clientId`, `clientSecret`, `redirectUri`, `scopes`,
    /// `origin`, `subdomain`, …): anything serde serializes to a JSON
    /// object, e.g. `serde_json::json!({…})`. HTTP goes through the
    /// platform's client (`Fetch` on wasm,
    /// `UreqClient` natively).
    #[cfg(any(target_arch = "wasm32", feature = "ureq"))]
    pub fn new(options: impl Serialize) -> Result<Self> {
        Self::with_http(options, super::DefaultHttp::default())
    }

    /// `Provider::new` with your own [`HttpClient`].
    // One Arc for both targets: Send + Sync natively; wasm has one thread.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn with_http(options: impl Serialize, http: impl HttpClient + 'static) -> Result<Self> {
        let entry = entry::<K>()?;
        let json = options_json(entry.name, &options)?;
        let flow = build(entry, &json).map_err(|e| Error::new(entry.name, e))?;
        Ok(Provider {
            shared: Arc::new(Shared {
                entry,
                flow,
                http: Arc::new(http),
            }),
            kind: PhantomData,
        })
    }

    /// A static API key for this CRM (`Flexie.apiKey(options)` in JS), its
    /// requests sent through the platform's client.
    #[cfg(any(target_arch = "wasm32", feature = "ureq"))]
    pub fn api_key(options: impl Serialize) -> Result<ApiKeyCredentials> {
        ApiKeyCredentials::new::<K>(options, Arc::new(super::DefaultHttp::default()))
    }

    /// `Provider::api_key` with your own [`HttpClient`].
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn api_key_with_http(
        options: impl Serialize,
        http: impl HttpClient + 'static,
    ) -> Result<ApiKeyCredentials> {
        ApiKeyCredentials::new::<K>(options, Arc::new(http))
    }
}

fn build(entry: &'static Entry, json: &str) -> core::result::Result<Flow, CoreError> {
    if entry.code_flow.is_some() {
        let o = Options::parse(json, "options", false)?;
        return Ok(Flow::Code(code_flow::from_options(
            entry,
            &o,
            in_browser(),
        )?));
    }
    let build = entry
        .password_flow
        .ok_or_else(|| code_flow::invalid("this provider has no token flow: use api_key"))?;
    Ok(Flow::Password(build(&Options::parse(
        json, "options", true,
    )?)?))
}

impl<K> Provider<K> {
    /// The registry name (`"flextell"`, …).
    pub fn name(&self) -> &'static str {
        self.shared.entry.name
    }

    /// Base URL of the provider's API (what [`Session::fetch`](super::Session::fetch)
    /// joins paths to), when known.
    pub fn api_base(&self) -> Option<&str> {
        self.shared.api_base()
    }

    /// The URL to send the user to, with a fresh `state` and (by default) a
    /// PKCE verifier: keep both until the callback.
    pub fn create_authorization_request(
        &self,
        options: &AuthorizationRequestOptions,
    ) -> Result<AuthorizationRequest> {
        let flow = self.shared.code_flow()?;
        flow.authorization_request(&options.scopes, options.pkce, &options.params)
            .map_err(|e| self.shared.error(e))
    }

    /// Reads the redirect back from the provider: checks `state` (constant
    /// time) and `iss`, and a token host it names (Zoho's
    /// `accounts-server`) against the provider's own; `state_mismatch`,
    /// `invalid_callback` or `authorization_denied`.
    pub fn parse_callback(&self, url: &str, state: &str) -> Result<Callback> {
        let flow = self.shared.code_flow()?;
        let (code, host) = flow
            .callback(url, state)
            .map_err(|e| self.shared.error(e))?;
        Ok(Callback {
            code: Secret::new(code.into_owned()),
            state: state.to_owned(),
            accounts_server: host.and_then(|i| flow.token_host(i)).map(ToOwned::to_owned),
        })
    }

    /// Exchanges an authorization code (and the PKCE verifier, if one was
    /// used) for tokens, at the accounts server the callback named
    /// ([`Callback::accounts_server`], checked again), else the default.
    pub async fn exchange_code(
        &self,
        code: &str,
        code_verifier: Option<&str>,
        accounts_server: Option<&str>,
    ) -> Result<TokenSet> {
        let s = &self.shared;
        let request = s
            .code_flow()?
            .exchange_request(code, code_verifier, accounts_server)
            .map_err(|e| s.error(e))?;
        s.token_call(request, None, None).await
    }

    /// Refreshes tokens; the answer keeps the old refresh token and
    /// `api_base` (the refreshed set's, checked; Zoho refreshes at its data
    /// centre) when the server sends none. Store what comes back (refresh
    /// tokens rotate).
    pub async fn refresh(&self, refresh_token: &str, api_base: Option<&str>) -> Result<TokenSet> {
        self.shared.refresh(refresh_token, api_base).await
    }

    /// Revokes a token (RFC 7009) of the set whose API base is `api_base`
    /// (Zoho revokes at its data centre); `unsupported`, sending nothing,
    /// where the provider has no revocation endpoint.
    pub async fn revoke(&self, token: &str, api_base: Option<&str>) -> Result<()> {
        self.shared.revoke(token, api_base).await
    }

    /// The password grant (Flowlu, Virtuous with `otp` after an
    /// `otp_required`, `OAuth2`).
    pub async fn login(&self, options: &LoginOptions) -> Result<TokenSet> {
        let s = &self.shared;
        let json = options_json(s.entry.name, options)?;
        let request = s.login_request(&json).map_err(|e| s.error(e))?;
        s.token_call(request, None, None).await
    }

    /// Puts the access token on `request` where the provider expects it
    /// (a header, or the query).
    pub fn authorize(&self, request: &mut Request, tokens: &TokenSet) -> Result<()> {
        self.shared
            .authorize(request, tokens.access_token.expose())
            .map_err(|e| self.shared.error(e))
    }
}

impl Provider<super::SalesforceCrm> {
    /// The client-credentials grant for `scopes` (JS
    /// `salesforce.clientCredentials({scopes})`): on a My Domain with a
    /// client secret only (the registry says where; elsewhere
    /// `invalid_argument`, nothing sent); a set without refresh token or
    /// expiry.
    pub async fn client_credentials(&self, scopes: &[String]) -> Result<TokenSet> {
        let s = &self.shared;
        let request = s
            .code_flow()?
            .client_credentials_request(scopes)
            .map_err(|e| s.error(e))?;
        s.token_call(request, None, None).await
    }
}

impl Shared {
    pub(crate) fn error(&self, e: CoreError) -> Error {
        Error::new(self.entry.name, e)
    }

    fn code_flow(&self) -> Result<&CodeFlow> {
        match &self.flow {
            Flow::Code(flow) => Ok(flow),
            Flow::Password(_) => Err(self.unsupported("has no authorization-code flow")),
        }
    }

    fn unsupported(&self, what: &str) -> Error {
        let message = crate::core::encode::concat(&[self.entry.name, " ", what]);
        Error::of(self.entry.name, ErrorCode::Unsupported, &message)
    }

    pub(crate) fn api_base(&self) -> Option<&str> {
        match &self.flow {
            Flow::Code(flow) => flow.api_base.as_deref(),
            Flow::Password(flow) => flow.api_base.as_deref(),
        }
    }

    fn style(&self) -> &Style {
        match &self.flow {
            Flow::Code(flow) => &flow.token_style,
            Flow::Password(flow) => &flow.token_style,
        }
    }

    fn login_request(&self, json: &str) -> core::result::Result<HttpRequest, CoreError> {
        let o = Options::parse(json, "login options", false)?;
        match &self.flow {
            Flow::Code(flow) => code_flow::password_grant(flow, &o),
            Flow::Password(flow) => password::login_request(flow, &o),
        }
    }

    pub(crate) async fn refresh(
        &self,
        refresh_token: &str,
        api_base: Option<&str>,
    ) -> Result<TokenSet> {
        let request = match &self.flow {
            Flow::Code(flow) => flow.refresh_request(refresh_token, api_base),
            Flow::Password(flow) => flow.refresh_request(refresh_token),
        }
        .map_err(|e| self.error(e))?;
        self.token_call(request, Some(refresh_token), api_base)
            .await
    }

    pub(crate) async fn revoke(&self, token: &str, api_base: Option<&str>) -> Result<()> {
        let Flow::Code(flow) = &self.flow else {
            return Err(self.unsupported("has no token revocation endpoint"));
        };
        let request = flow
            .revoke_request(token, api_base)
            .map_err(|e| self.error(e))?;
        let answer = self.send(&request.clone().into()).await?;
        parse_revoke_response(&self.answer(answer)?, now_ms(), flow.answers)
            .map_err(|e| self.error(scrub(e, &request)))
    }

    /// Where `access_token` goes on `request` (checked: it may come from
    /// any `TokenSet`, not only a parsed one).
    pub(crate) fn authorize(
        &self,
        request: &mut Request,
        access_token: &str,
    ) -> core::result::Result<(), CoreError> {
        check_token(access_token, "accessToken")?;
        apply(self.style().apply(access_token, &request.url), request);
        Ok(())
    }

    pub(crate) async fn send(&self, request: &Request) -> Result<Response> {
        self.http.send(request).await.map_err(|e| self.error(e))
    }

    /// A token-endpoint answer as the core's parsers read it.
    fn answer(&self, answer: Response) -> Result<HttpResponse> {
        if answer.body.len() > MAX_TOKEN_ANSWER {
            return Err(Error::of(
                self.entry.name,
                ErrorCode::InvalidResponse,
                "token endpoint answer larger than 1 MiB",
            ));
        }
        Ok(HttpResponse {
            status: answer.status,
            retry_after: answer.header("retry-after").map(ToOwned::to_owned),
            body: String::from_utf8_lossy(&answer.body).into_owned(),
        })
    }

    /// Sends a token request and reads the answer with the provider's
    /// quirks; a refresh answer keeps the refreshed set's refresh token and
    /// API base (`old_*`) when it names none.
    async fn token_call(
        &self,
        request: HttpRequest,
        old_refresh: Option<&str>,
        old_api_base: Option<&str>,
    ) -> Result<TokenSet> {
        let answers = match &self.flow {
            Flow::Code(flow) => flow.answers,
            Flow::Password(flow) => flow.answers,
        };
        let answer = self.send(&request.clone().into()).await?;
        let answer = self.answer(answer)?;
        let mut tokens = parse_token_response(&answer, now_ms(), answers)
            .map_err(|e| self.error(scrub(e, &request)))?;
        tokens.keep_refresh_token(old_refresh);
        if tokens.api_base.is_none() {
            tokens.api_base = old_api_base.map(ToOwned::to_owned);
        }
        Ok(tokens)
    }
}

/// Form fields a token request sends that are no secret.
const NOT_SECRET: [&str; 5] = [
    "grant_type",
    "client_id",
    "redirect_uri",
    "scope",
    "username",
];

/// The server's `error` and `error_description` reach callers (`Serialize`,
/// JS): one that echoes what `request` sent (code, verifier, client secret,
/// password, token; decoded or as sent, or its Authorization header) is
/// redacted, as the JS layer does.
fn scrub(mut e: CoreError, request: &HttpRequest) -> CoreError {
    let body = request.body.as_deref().unwrap_or_default();
    let mut sent: Vec<String> = Vec::new();
    for (name, value) in form_pairs(body).flatten() {
        if !NOT_SECRET.contains(&name.as_ref()) {
            sent.push(value.into_owned());
        }
    }
    for field in body.split('&') {
        let (name, value) = field.split_once('=').unwrap_or((field, ""));
        if !NOT_SECRET.contains(&name) {
            sent.push(value.to_owned());
        }
    }
    for (name, value) in &request.headers {
        if *name == "authorization" {
            sent.extend(value.split(' ').map(ToOwned::to_owned));
        }
    }
    sent.retain(|s| s.len() >= 4 && s != "Basic" && s != "Bearer");
    let details = &mut *e;
    for field in [&mut details.error, &mut details.error_description] {
        if field
            .as_deref()
            .is_some_and(|text| sent.iter().any(|s| text.contains(s.as_str())))
        {
            *field = Some("[redacted]".to_owned());
        }
    }
    e
}

/// Applies what the core placed: a new URL (query placement) and headers.
pub(crate) fn apply(applied: crate::providers::credential::Applied, request: &mut Request) {
    if let Some(url) = applied.url {
        request.url = url;
    }
    for (name, value) in applied.headers {
        request.set_header(name, value);
    }
}
