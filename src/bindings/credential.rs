//! `CredentialCore`: where one provider's credentials come from, behind the
//! string ABI: its token flow (an authorization-code flow, or a password
//! grant for Flowlu and Virtuous; the JS `TokenFlow` classes, which do the
//! `fetch` in between) or a static API key (`ApiKeyCredentials`). One class
//! for the three, and one `request` export for every token request: each
//! export costs a shim in the wasm and a wrapper in the glue (~1 KB raw
//! together), and the kinds share most of them.

use crate::prelude::*;
use alloc::borrow::Cow;
use wasm_bindgen::prelude::*;

use super::abi::{applied_json, requested, run, Options};
use super::spans::{
    answer_error, answer_text, token_answer, with_input, write_slot, write_span, TokenInput,
    AT_SPANS, AT_TEXT,
};
use crate::core::encode::concat;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::request::{parse_revoke_response, HttpRequest, HttpResponse};
use crate::core::secret::Secret;
use crate::core::token::Answers;
use crate::providers;
use crate::providers::code_flow::{self, check_token, invalid, CodeFlow};
use crate::providers::credential::{ApiKey, Style};
use crate::providers::password::{self, PasswordFlow};

/// `CredentialCore.request`'s kinds (the JS layer's `REQUEST` table).
const EXCHANGE: u8 = 0;
const REFRESH: u8 = 1;
const REVOKE: u8 = 2;
const LOGIN: u8 = 3;
const CLIENT_CREDENTIALS: u8 = 4;

/// An HTTP answer as the JS layer hands it over.
pub fn response(status: u16, retry_after: &str, body: String) -> HttpResponse {
    HttpResponse {
        status,
        retry_after: (!retry_after.is_empty()).then(|| retry_after.to_owned()),
        body,
    }
}

/// `Some(s)` unless `s` is empty (the JS layer's "none").
fn given(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

enum Flow {
    Code(CodeFlow),
    Password(PasswordFlow),
    ApiKey(ApiKey),
}

/// One provider's token flow or API key.
#[wasm_bindgen(skip_typescript)]
pub struct CredentialCore {
    flow: Flow,
}

/// `what` is not part of `provider`'s credentials (the JS classes never
/// ask: each calls only what its kind has).
fn unsupported(provider: &str, what: &str) -> Error {
    Error::new(
        ErrorCode::Unsupported,
        concat(&[provider, " has no ", what]),
    )
}

impl CredentialCore {
    fn provider(&self) -> &'static str {
        match &self.flow {
            Flow::Code(f) => f.provider,
            Flow::Password(f) => f.provider,
            Flow::ApiKey(k) => k.provider,
        }
    }

    /// How its token answers read, or `unsupported` for an API key.
    fn answers(&self) -> Result<&'static Answers> {
        match &self.flow {
            Flow::Code(f) => Ok(f.answers),
            Flow::Password(f) => Ok(f.answers),
            Flow::ApiKey(k) => Err(unsupported(k.provider, "token flow here")),
        }
    }

    /// The code flow, or `unsupported`.
    fn code(&self) -> Result<&CodeFlow> {
        match &self.flow {
            Flow::Code(f) => Ok(f),
            _ => Err(unsupported(self.provider(), "authorization-code flow here")),
        }
    }

    /// Where `access_token` (an API key: its own key) goes on a request
    /// to `url`.
    fn place(&self, url: &str, access_token: &str) -> Result<String> {
        let (style, secret): (&Style, &str) = match &self.flow {
            Flow::ApiKey(k) => (&k.style, k.key.expose()),
            Flow::Code(CodeFlow { token_style, .. })
            | Flow::Password(PasswordFlow { token_style, .. }) => {
                check_token(access_token, "accessToken")?;
                (token_style, access_token)
            }
        };
        Ok(applied_json(&style.apply(secret, url), style))
    }

    /// `request`'s request of `kind` from its string arguments.
    fn build(&self, kind: u8, a: &str, b: &str, c: &str) -> Result<HttpRequest> {
        match (kind, &self.flow) {
            (REFRESH, Flow::Password(f)) => f.refresh_request(a),
            (LOGIN, Flow::Password(f)) => {
                password::login_request(f, &Options::parse(a, "login options", false)?)
            }
            (LOGIN, Flow::Code(f)) => {
                code_flow::password_grant(f, &Options::parse(a, "login options", false)?)
            }
            (EXCHANGE, _) => self.code()?.exchange_request(a, given(b), given(c)),
            (REFRESH, _) => self.code()?.refresh_request(a, given(b)),
            (REVOKE, _) => self.code()?.revoke_request(a, given(b)),
            (CLIENT_CREDENTIALS, _) => {
                let o = Options::parse(a, "clientCredentials options", true)?;
                self.code()?
                    .client_credentials_request(&o.strings("scopes")?)
            }
            _ => Err(invalid("unknown request")),
        }
    }
}

#[wasm_bindgen]
impl CredentialCore {
    /// `provider`: a registry name with a code or password flow; `options`:
    /// the constructor options as JSON; `in_browser`: whether this runs in
    /// a page (for the client-secret guard of code flows).
    #[wasm_bindgen(constructor)]
    pub fn new(
        provider: &str,
        options: &str,
        in_browser: bool,
    ) -> core::result::Result<CredentialCore, String> {
        let entry = providers::find(provider);
        run(entry.map_or("crm-auth", |p| p.name), || {
            let entry = entry.ok_or_else(|| invalid("unknown provider"))?;
            let flow = match entry.password_flow {
                Some(build) => Flow::Password(build(&Options::parse(options, "options", true)?)?),
                None => Flow::Code(code_flow::from_options(
                    entry,
                    &Options::parse(options, "options", false)?,
                    in_browser,
                )?),
            };
            Ok(CredentialCore { flow })
        })
    }

    /// A static API key: `provider`, a registry name with API keys;
    /// `options` as JSON.
    #[wasm_bindgen(js_name = apiKey)]
    pub fn api_key(provider: &str, options: &str) -> core::result::Result<CredentialCore, String> {
        let build = providers::find(provider).and_then(|p| Some((p.name, p.api_key?)));
        run(build.map_or("crm-auth", |(name, _)| name), || {
            let (_, build) = build.ok_or_else(|| invalid("unknown provider"))?;
            let key = build(&Options::parse(options, "apiKey options", false)?)?;
            Ok(CredentialCore {
                flow: Flow::ApiKey(key),
            })
        })
    }

    /// `"url\nstate\nverifier"` (verifier empty without PKCE); `options` as JSON.
    #[wasm_bindgen(js_name = authorizationRequest)]
    pub fn authorization_request(&self, options: &str) -> core::result::Result<String, String> {
        run(self.provider(), || {
            let o = Options::parse(options, "createAuthorizationRequest options", true)?;
            let req = self.code()?.authorization_request(
                &o.strings("scopes")?,
                o.bool("pkce")?,
                &o.record("params")?,
            )?;
            let verifier = req.code_verifier.as_ref().map_or("", Secret::expose);
            Ok(concat(&[&req.url, "\n", &req.state, "\n", verifier]))
        })
    }

    /// The code of a callback URL (its `url_len` bytes in the input buffer,
    /// then the expected state's `state_len`), after the state and `iss`
    /// checks: its span when `ascii` and it needed no decoding, else the
    /// decoded code as text, or the error (see `spans.rs`). The index of the
    /// token host it named (see `tokenHost`) goes in the third span slot
    /// (-1: none).
    #[wasm_bindgen(js_name = parseCallbackAt)]
    pub fn parse_callback_at(&self, url_len: usize, state_len: usize, ascii: bool) -> u8 {
        with_input(url_len + state_len, |input| {
            let (url, state) = (
                input.get(..url_len).unwrap_or_default(),
                input.get(url_len..).unwrap_or_default(),
            );
            match self.code().and_then(|flow| flow.callback(url, state)) {
                Ok((code, host)) => {
                    write_slot(2, host.map_or(-1.0, |i| i as f64));
                    match code {
                        Cow::Borrowed(code) if ascii && write_span(input, code) => AT_SPANS,
                        code => answer_text(code.into_owned(), AT_TEXT),
                    }
                }
                Err(e) => answer_error(&e, self.provider()),
            }
        })
    }

    /// The token host `parseCallbackAt` named by its index.
    #[wasm_bindgen(js_name = tokenHost)]
    pub fn token_host(&self, index: usize) -> Option<String> {
        let host = self.code().ok()?.token_host(index)?;
        Some(host.to_owned())
    }

    /// A token request (JSON) of `kind`: exchange (`a` the code, `b` the
    /// verifier, `c` the token host the callback named), refresh (`a` the
    /// refresh token, `b` the refreshed set's API base), revoke (`a` the
    /// token, `b` the revoked set's API base), login (`a` the options as
    /// JSON: the password grant) or client credentials (`a` the options);
    /// unused and absent arguments empty.
    pub fn request(
        &self,
        kind: u8,
        a: &str,
        b: &str,
        c: &str,
    ) -> core::result::Result<String, String> {
        requested(self.provider(), self.build(kind, a, b, c))
    }

    /// Reads a token answer from the input buffer (body, refresh token
    /// sent or none, `Retry-After` or none: their byte lengths): spans, the
    /// stored form as text, or the error (see `spans.rs`). `old_api_base`:
    /// the one the refresh request checked, or empty.
    #[wasm_bindgen(js_name = parseTokenAt)]
    #[allow(clippy::too_many_arguments)]
    pub fn parse_token_at(
        &self,
        status: u16,
        body_len: usize,
        old_refresh_len: usize,
        retry_after_len: usize,
        ascii: bool,
        now_ms: f64,
        old_api_base: &str,
    ) -> u8 {
        let parts = TokenInput::new(body_len, old_refresh_len, retry_after_len);
        match self.answers() {
            Ok(answers) => token_answer(
                self.provider(),
                answers,
                status,
                parts,
                ascii,
                now_ms,
                old_api_base,
            ),
            Err(e) => answer_error(&e, self.provider()),
        }
    }

    /// Checks a revocation answer.
    #[wasm_bindgen(js_name = parseRevoke)]
    pub fn parse_revoke(
        &self,
        status: u16,
        retry_after: &str,
        body: String,
        now_ms: f64,
    ) -> core::result::Result<(), String> {
        run(self.provider(), || {
            parse_revoke_response(
                &response(status, retry_after, body),
                now_ms,
                self.answers()?,
            )
        })
    }

    /// Where the access token (an API key: its key; `access_token` unused)
    /// goes on a request to `url`: JSON `{"url", "headers", "perUrl"}`, after
    /// the header-value check of the token (it may come from any object,
    /// not only a checked TokenSet).
    pub fn authorization(
        &self,
        url: &str,
        access_token: &str,
    ) -> core::result::Result<String, String> {
        run(self.provider(), || self.place(url, access_token))
    }

    /// Base URL of the provider's API, when known.
    #[wasm_bindgen(getter, js_name = apiBase)]
    pub fn api_base(&self) -> Option<String> {
        match &self.flow {
            Flow::Code(f) => f.api_base.clone(),
            Flow::Password(f) => f.api_base.clone(),
            Flow::ApiKey(k) => Some(k.api_base.clone()),
        }
    }
}

/// Whether `url` is plain-http-eligible loopback (for the `Secure` cookie flag).
#[wasm_bindgen(js_name = isLoopbackUrl, skip_typescript)]
pub fn is_loopback(url: &str) -> bool {
    crate::core::endpoint::is_loopback_url(url)
}
