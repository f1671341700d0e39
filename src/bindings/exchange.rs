//! Runs a token-endpoint request and hands JS a `Promise<TokenSet>`.

use js_sys::{Date, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use super::error::to_js;
use super::token_set::TokenSet;
use crate::core::error::Result;
use crate::core::request::{HttpRequest, HttpResponse};
use crate::core::token;
use crate::http::Fetcher;

/// Sends `request` (an argument error rejects without sending) and parses
/// the answer with `parse`.
pub fn token_promise<F>(http: &Fetcher, provider: &'static str, request: Result<HttpRequest>, parse: F) -> Promise
where
    F: FnOnce(&HttpResponse, f64) -> Result<token::TokenSet> + 'static,
{
    let http = http.clone();
    future_to_promise(async move {
        let run = async {
            let resp = http.send(&request?).await?;
            parse(&resp, Date::now())
        };
        run.await.map(|t| TokenSet::from(t).into()).map_err(|e| to_js(e, provider))
    })
}

/// Sends `request` and checks the answer with `check`; resolves to undefined.
pub fn unit_promise<F>(http: &Fetcher, provider: &'static str, request: Result<HttpRequest>, check: F) -> Promise
where
    F: FnOnce(&HttpResponse, f64) -> Result<()> + 'static,
{
    let http = http.clone();
    future_to_promise(async move {
        let run = async {
            let resp = http.send(&request?).await?;
            check(&resp, Date::now())
        };
        run.await.map(|()| JsValue::UNDEFINED).map_err(|e| to_js(e, provider))
    })
}
