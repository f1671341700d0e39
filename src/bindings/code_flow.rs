//! `CodeFlowCore`: the authorization-code flow of one provider (Flextell,
//! Flexie, Agile CRM, any OAuth 2.0 server) behind the string ABI. The
//! package's JS classes call it and do the `fetch` in between.

use crate::prelude::*;
use alloc::borrow::Cow;
use wasm_bindgen::prelude::*;

use super::abi::{authorization, requested, run, Options};
use super::spans::{
    answer_error, answer_text, token_answer, with_input, write_span, TokenInput, AT_SPANS, AT_TEXT,
};
use crate::core::encode::concat;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::request::{parse_revoke_response, HttpRequest, HttpResponse};
use crate::core::secret::Secret;
use crate::providers::code_flow::{guard_secret, invalid, CodeFlow, Registration};
use crate::providers::{self, Provider};

/// The registry entry `name` if it has a code flow.
fn provider(name: &str) -> Option<&'static Provider> {
    providers::find(name).filter(|p| p.code_flow.is_some())
}

/// An HTTP answer as the JS layer hands it over.
pub fn response(status: u16, retry_after: &str, body: String) -> HttpResponse {
    HttpResponse {
        status,
        retry_after: (!retry_after.is_empty()).then(|| retry_after.to_owned()),
        body,
    }
}

/// `passwordRequest`'s request, where the registry allows it.
fn password_grant(flow: &CodeFlow, options: &str) -> Result<HttpRequest> {
    if !provider(flow.provider).is_some_and(|p| p.code_flow_password_grant) {
        return Err(Error::new(
            ErrorCode::Unsupported,
            "this provider has no password grant",
        ));
    }
    let o = Options::parse(options, "login options", false)?;
    flow.password_request(
        o.required("username")?,
        o.required("password")?,
        &o.strings("scopes")?,
    )
}

/// One provider's authorization-code flow.
#[wasm_bindgen(skip_typescript)]
pub struct CodeFlowCore {
    flow: CodeFlow,
}

#[wasm_bindgen]
impl CodeFlowCore {
    /// `provider`: a registry name with a code flow; `options`: the
    /// constructor options as JSON; `in_browser`: whether this runs in a
    /// page (for the client-secret guard).
    #[wasm_bindgen(constructor)]
    pub fn new(
        provider: &str,
        options: &str,
        in_browser: bool,
    ) -> core::result::Result<CodeFlowCore, String> {
        let entry = self::provider(provider);
        run(entry.map_or("crm-auth", |p| p.name), || {
            let build = entry
                .and_then(|p| p.code_flow)
                .ok_or_else(|| invalid("unknown provider"))?;
            let o = Options::parse(options, "options", false)?;
            let client_secret = o.secret("clientSecret")?;
            guard_secret(
                client_secret,
                in_browser,
                o.bool("dangerouslyAllowBrowser")?,
            )?;
            let scopes = o.strings("scopes")?;
            let registration = Registration {
                client_id: o.required("clientId")?,
                client_secret,
                redirect_uri: o.required("redirectUri")?,
                issuer: o.str("issuer")?,
                scopes: &scopes,
            };
            Ok(CodeFlowCore {
                flow: build(&o, registration)?,
            })
        })
    }

    /// `"url\nstate\nverifier"` (verifier empty without PKCE); `options` as JSON.
    #[wasm_bindgen(js_name = authorizationRequest)]
    pub fn authorization_request(&self, options: &str) -> core::result::Result<String, String> {
        run(self.flow.provider, || {
            let o = Options::parse(options, "createAuthorizationRequest options", true)?;
            let req = self.flow.authorization_request(
                &o.strings("scopes")?,
                o.bool("pkce")?.unwrap_or(true),
                &o.record("params")?,
            )?;
            let verifier = req.code_verifier.as_ref().map_or("", Secret::expose);
            Ok(concat(&[&req.url, "\n", &req.state, "\n", verifier]))
        })
    }

    /// The code of a callback URL (its `url_len` bytes in the input buffer,
    /// then the expected state's `state_len`), after the state and `iss`
    /// checks: its span when `ascii` and it needed no decoding, else the
    /// decoded code as text, or the error (see `spans.rs`).
    #[wasm_bindgen(js_name = parseCallbackAt)]
    pub fn parse_callback_at(&self, url_len: usize, state_len: usize, ascii: bool) -> u8 {
        with_input(url_len + state_len, |input| {
            let (url, state) = (
                input.get(..url_len).unwrap_or_default(),
                input.get(url_len..).unwrap_or_default(),
            );
            match self.flow.callback_code(url, state) {
                Ok(Cow::Borrowed(code)) if ascii && write_span(input, code) => AT_SPANS,
                Ok(code) => answer_text(code.into_owned(), AT_TEXT),
                Err(e) => answer_error(&e, self.flow.provider),
            }
        })
    }

    /// The code-exchange request (JSON); `verifier` empty when none.
    #[wasm_bindgen(js_name = exchangeRequest)]
    pub fn exchange_request(
        &self,
        code: &str,
        verifier: &str,
    ) -> core::result::Result<String, String> {
        let verifier = (!verifier.is_empty()).then_some(verifier);
        requested(
            self.flow.provider,
            self.flow.exchange_request(code, verifier),
        )
    }

    /// The refresh request (JSON).
    #[wasm_bindgen(js_name = refreshRequest)]
    pub fn refresh_request(&self, refresh_token: &str) -> core::result::Result<String, String> {
        requested(self.flow.provider, self.flow.refresh_request(refresh_token))
    }

    /// The password-grant request (JSON); generic OAuth 2.0 servers only.
    #[wasm_bindgen(js_name = passwordRequest)]
    pub fn password_request(&self, options: &str) -> core::result::Result<String, String> {
        requested(self.flow.provider, password_grant(&self.flow, options))
    }

    /// The revocation request (JSON), or `unsupported`.
    #[wasm_bindgen(js_name = revokeRequest)]
    pub fn revoke_request(&self, token: &str) -> core::result::Result<String, String> {
        requested(self.flow.provider, self.flow.revoke_request(token))
    }

    /// Reads a token answer from the input buffer (body, refresh token
    /// sent or none, `Retry-After` or none: their byte lengths): spans, the
    /// stored form as text, or the error (see `spans.rs`).
    #[wasm_bindgen(js_name = parseTokenAt)]
    pub fn parse_token_at(
        &self,
        status: u16,
        body_len: usize,
        old_refresh_len: usize,
        retry_after_len: usize,
        ascii: bool,
        now_ms: f64,
    ) -> u8 {
        let parts = TokenInput::new(body_len, old_refresh_len, retry_after_len);
        token_answer(
            self.flow.provider,
            self.flow.answers,
            status,
            parts,
            ascii,
            now_ms,
        )
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
        run(self.flow.provider, || {
            parse_revoke_response(
                &response(status, retry_after, body),
                now_ms,
                self.flow.answers,
            )
        })
    }

    /// Where the access token goes on a request to `url` (JSON).
    pub fn authorization(
        &self,
        url: &str,
        access_token: &str,
    ) -> core::result::Result<String, String> {
        authorization(
            self.flow.provider,
            &self.flow.token_style,
            url,
            access_token,
        )
    }

    /// Base URL of the provider's API, when known.
    #[wasm_bindgen(getter, js_name = apiBase)]
    pub fn api_base(&self) -> Option<String> {
        self.flow.api_base.clone()
    }
}

/// Whether `url` is plain-http-eligible loopback (for the `Secure` cookie flag).
#[wasm_bindgen(js_name = isLoopbackUrl, skip_typescript)]
pub fn is_loopback(url: &str) -> bool {
    crate::core::endpoint::is_loopback_url(url)
}
