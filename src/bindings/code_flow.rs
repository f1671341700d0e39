//! `CodeFlowClient`: the one wasm class behind the authorization-code
//! providers. The package's `api.js` subclasses it per provider (`Flextell`,
//! `Flexie`, `AgileCrm`, `OAuth2`) and `index.d.ts` types each subclass, so
//! the wasm carries one copy of every method instead of one per provider.

use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Request;

use super::credential::{access_token, authorize_request};
use super::error::to_js;
use super::exchange::{token_promise, unit_promise};
use super::options::{string_arg, Options};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::request::parse_revoke_response;
use crate::core::token::parse_token_response;
use crate::http::Fetcher;
use crate::providers::code_flow::{self, CodeFlow};
use crate::providers::{agilecrm, flexie, flextell, oauth2};

/// A code flow plus the fetch that runs it.
struct CodeClient {
    flow: CodeFlow,
    http: Fetcher,
}

/// Reads the options every code-flow provider shares and builds the client.
fn code_client(options: JsValue, what: &str, build: impl FnOnce(&Options, Common) -> Result<CodeFlow>) -> Result<CodeClient> {
    let o = Options::new(options, what, false)?;
    let client_secret = o.secret("clientSecret")?;
    o.guard_secret(&client_secret)?;
    let common = Common {
        client_id: o.required("clientId")?,
        client_secret,
        redirect_uri: o.required("redirectUri")?,
        issuer: o.string("issuer")?,
    };
    Ok(CodeClient { http: o.fetcher()?, flow: build(&o, common)? })
}

/// Options every code-flow provider takes.
struct Common {
    client_id: String,
    client_secret: Option<crate::core::secret::Secret>,
    redirect_uri: String,
    issuer: Option<String>,
}

fn flextell_client(options: JsValue) -> Result<CodeClient> {
    code_client(options, "Flextell options", |o, c| {
        flextell::code_flow(flextell::FlextellConfig {
            client_id: c.client_id,
            client_secret: c.client_secret,
            redirect_uri: c.redirect_uri,
            origin: o.string("origin")?,
            issuer: c.issuer,
        })
    })
}

fn flexie_client(options: JsValue) -> Result<CodeClient> {
    code_client(options, "Flexie options", |o, c| {
        flexie::code_flow(flexie::FlexieConfig {
            subdomain: o.string("subdomain")?,
            client_id: c.client_id,
            client_secret: c.client_secret,
            redirect_uri: c.redirect_uri,
            origin: o.string("origin")?,
            issuer: c.issuer,
            token_placement: o.string("tokenPlacement")?,
        })
    })
}

fn agilecrm_client(options: JsValue) -> Result<CodeClient> {
    code_client(options, "AgileCrm options", |o, c| {
        agilecrm::code_flow(agilecrm::AgileCrmConfig {
            domain: o.string("domain")?,
            client_id: c.client_id,
            client_secret: c.client_secret,
            redirect_uri: c.redirect_uri,
            origin: o.string("origin")?,
            issuer: c.issuer,
        })
    })
}

fn oauth2_client(options: JsValue) -> Result<CodeClient> {
    code_client(options, "OAuth2 options", |o, c| {
        oauth2::code_flow(oauth2::OAuth2Config {
            authorization_endpoint: o.required("authorizationEndpoint")?,
            token_endpoint: o.required("tokenEndpoint")?,
            revocation_endpoint: o.string("revocationEndpoint")?,
            client_id: c.client_id,
            client_secret: c.client_secret,
            redirect_uri: c.redirect_uri,
            client_auth: o.string("clientAuth")?,
            issuer: c.issuer,
        })
    })
}

fn set(obj: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(obj, &key.into(), &value);
}

impl CodeClient {
    fn err(&self, e: Error) -> JsValue {
        to_js(e, self.flow.provider)
    }

    fn create_authorization_request(&self, options: JsValue) -> Result<JsValue> {
        let o = Options::new(options, "createAuthorizationRequest options", true)?;
        let req = self.flow.authorization_request(
            &o.strings("scopes")?,
            o.bool("pkce")?.unwrap_or(true),
            &o.record("params")?,
        )?;
        let out = Object::new();
        set(&out, "url", req.url.into());
        set(&out, "state", req.state.into());
        set(&out, "codeVerifier", req.code_verifier.map_or(JsValue::NULL, |v| v.expose().into()));
        Ok(out.into())
    }

    fn parse_callback(&self, url: JsValue, options: JsValue) -> Result<JsValue> {
        // Accept a string or a URL object (anything with a string `href`).
        let href = url
            .as_string()
            .or_else(|| Reflect::get(&url, &"href".into()).ok().and_then(|h| h.as_string()))
            .ok_or_else(|| code_flow::invalid("url must be a string or URL"))?;
        let state = Options::new(options, "parseCallback options", false)?.required("state")?;
        let cb = self.flow.parse_callback(&href, &state)?;
        let out = Object::new();
        set(&out, "code", cb.code.expose().into());
        set(&out, "state", cb.state.into());
        Ok(out.into())
    }

    fn exchange_code(&self, code: JsValue, options: JsValue) -> Promise {
        let req = string_arg(&code, "code").and_then(|code| {
            let verifier = Options::new(options, "exchangeCode options", true)?.string("codeVerifier")?;
            self.flow.exchange_request(&code, verifier.as_deref())
        });
        token_promise(&self.http, self.flow.provider, req, parse_token_response)
    }

    fn refresh(&self, refresh_token: JsValue) -> Promise {
        let old = string_arg(&refresh_token, "refreshToken");
        let req = old.as_ref().map_err(Clone::clone).and_then(|rt| self.flow.refresh_request(rt));
        let flow = self.flow.clone();
        let old = old.unwrap_or_default();
        token_promise(&self.http, self.flow.provider, req, move |resp, now| flow.parse_refresh(resp, &old, now))
    }

    fn login(&self, options: JsValue) -> Promise {
        let req = Options::new(options, "login options", false).and_then(|o| {
            // Of the code-flow providers only a generic server may offer it.
            if self.flow.provider != oauth2::NAME {
                return Err(Error::new(ErrorCode::Unsupported, "this provider has no password grant"));
            }
            self.flow.password_request(&o.required("username")?, &o.required("password")?, &o.strings("scopes")?)
        });
        token_promise(&self.http, self.flow.provider, req, parse_token_response)
    }

    fn revoke(&self, token: JsValue) -> Promise {
        let req = string_arg(&token, "token").and_then(|t| self.flow.revoke_request(&t));
        unit_promise(&self.http, self.flow.provider, req, parse_revoke_response)
    }

    fn authorize(&self, request: JsValue, tokens: JsValue) -> Result<Request> {
        authorize_request(request, &self.flow.token_style, &access_token(&tokens)?)
    }
}

/// The authorization-code flow of one provider; `provider` is one of
/// `"flextell"`, `"flexie"`, `"agilecrm"`, `"oauth2"`. Use the provider
/// classes (`new Flextell(options)`, …), which pass it.
#[wasm_bindgen(skip_typescript)]
pub struct CodeFlowClient {
    inner: Rc<CodeClient>,
}

#[wasm_bindgen]
impl CodeFlowClient {
    /// Validates the options; throws `CrmAuthError` on bad ones
    /// (`invalid_argument`, `insecure_endpoint`, `secret_in_browser`).
    #[wasm_bindgen(constructor)]
    pub fn new(provider: &str, options: JsValue) -> std::result::Result<CodeFlowClient, JsValue> {
        let (name, build): (&'static str, fn(JsValue) -> Result<CodeClient>) = match provider {
            flextell::NAME => (flextell::NAME, flextell_client),
            flexie::NAME => (flexie::NAME, flexie_client),
            agilecrm::NAME => (agilecrm::NAME, agilecrm_client),
            oauth2::NAME => (oauth2::NAME, oauth2_client),
            _ => return Err(to_js(code_flow::invalid("unknown provider"), "crm-auth")),
        };
        build(options).map(|c| CodeFlowClient { inner: Rc::new(c) }).map_err(|e| to_js(e, name))
    }

    /// Builds the URL to send the user to, with a fresh `state` and (by
    /// default) a PKCE verifier.
    #[wasm_bindgen(js_name = createAuthorizationRequest)]
    pub fn create_authorization_request(&self, options: JsValue) -> std::result::Result<JsValue, JsValue> {
        self.inner.create_authorization_request(options).map_err(|e| self.inner.err(e))
    }

    /// Reads the redirect back from the provider; checks `state` (constant
    /// time) and `iss`.
    #[wasm_bindgen(js_name = parseCallback)]
    pub fn parse_callback(&self, url: JsValue, options: JsValue) -> std::result::Result<JsValue, JsValue> {
        self.inner.parse_callback(url, options).map_err(|e| self.inner.err(e))
    }

    /// Exchanges an authorization code for tokens.
    #[wasm_bindgen(js_name = exchangeCode)]
    pub fn exchange_code(&self, code: JsValue, options: JsValue) -> Promise {
        self.inner.exchange_code(code, options)
    }

    /// Refreshes tokens (keeps the old refresh token when none came back).
    pub fn refresh(&self, refresh_token: JsValue) -> Promise {
        self.inner.refresh(refresh_token)
    }

    /// Password grant (generic OAuth 2.0 servers only).
    pub fn login(&self, options: JsValue) -> Promise {
        self.inner.login(options)
    }

    /// Revokes a token (RFC 7009); `unsupported` (nothing sent) without a
    /// revocation endpoint.
    pub fn revoke(&self, token: JsValue) -> Promise {
        self.inner.revoke(token)
    }

    /// Returns a copy of `request` carrying the access token.
    pub fn authorize(&self, request: JsValue, tokens: JsValue) -> std::result::Result<Request, JsValue> {
        self.inner.authorize(request, tokens).map_err(|e| self.inner.err(e))
    }
}
