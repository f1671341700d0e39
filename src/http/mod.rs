//! The only place that calls `fetch`: runs a core [`HttpRequest`] and turns
//! the answer into a core [`HttpResponse`]. Works on the global `fetch` of
//! browsers, workers, Node and workerd, or on a caller-supplied function.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, RequestRedirect, Response};

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::request::{HttpRequest, HttpResponse};

/// Default bound on a whole request, headers and body (ms).
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Answers larger than this are refused unread: token endpoints answer in
/// bytes, and an error page can be huge.
const MAX_BODY_BYTES: f64 = 1024.0 * 1024.0;

#[wasm_bindgen]
extern "C" {
    // `window.fetch` does not exist in workers, Node or workerd: bind the global.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &RequestInit) -> std::result::Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A timer that aborts the request and rejects a promise when it fires.
/// Racing every await against it bounds the whole exchange even when a
/// custom `fetch` ignores the abort signal. Dropping it clears the timer
/// (a pending timer would keep Node's event loop alive).
struct Deadline {
    controller: AbortController,
    fired: Promise,
    timer: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Deadline {
    fn start(ms: u32) -> Result<Self> {
        let controller = AbortController::new().map_err(|_| unsupported_fetch())?;
        let mut callback = None;
        let fired = Promise::new(&mut |_resolve, reject| {
            let controller = controller.clone();
            callback = Some(Closure::<dyn FnMut()>::new(move || {
                controller.abort();
                let _ = reject.call0(&JsValue::UNDEFINED);
            }));
        });
        let callback = callback.ok_or_else(unsupported_fetch)?;
        let timer = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Ok(Deadline { controller, fired, timer, _callback: callback })
    }

    fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Awaits `p` unless the deadline passes first; failures are mapped.
    async fn race(&self, p: Promise) -> Result<JsValue> {
        JsFuture::from(Promise::race(&Array::of2(&p, &self.fired)))
            .await
            .map_err(|_| self.transport_error())
    }

    /// Our timer firing is a timeout, anything else a network failure. The
    /// JS error text is not kept: it can name URLs with credentials in them.
    fn transport_error(&self) -> Error {
        if self.signal().aborted() {
            Error::new(ErrorCode::Timeout, "no answer within the timeout")
        } else {
            Error::new(ErrorCode::NetworkError, "the request failed before an answer arrived")
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
    }
}

/// How requests are sent: which `fetch`, and the timeout.
#[derive(Clone, Debug)]
pub struct Fetcher {
    /// A custom `fetch(url, init)` function, or the global one.
    pub custom: Option<Function>,
    /// Bound on the whole exchange, in milliseconds.
    pub timeout_ms: u32,
}

impl Fetcher {
    /// Sends `req` and reads the whole body, within `timeout_ms`.
    pub async fn send(&self, req: &HttpRequest) -> Result<HttpResponse> {
        let deadline = Deadline::start(self.timeout_ms)?;
        let init = request_init(req, &deadline.signal())?;
        let started = match &self.custom {
            // `Promise.resolve` also accepts a custom fetch returning a plain value.
            Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init).map(|v| Promise::resolve(&v)),
            None => global_fetch(&req.url, &init),
        };
        let response: Response = deadline
            .race(started.map_err(|_| deadline.transport_error())?)
            .await?
            .dyn_into()
            .map_err(|_| invalid_response("fetch did not return a Response", None))?;
        read_response(response, &deadline).await
    }
}

fn request_init(req: &HttpRequest, signal: &AbortSignal) -> Result<RequestInit> {
    let init = RequestInit::new();
    init.set_method(req.method);
    let headers = Headers::new().map_err(|_| unsupported_fetch())?;
    for (name, value) in &req.headers {
        headers.set(name, value).map_err(|_| Error::new(ErrorCode::InvalidArgument, format!("invalid value for header {name}")))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    // A token endpoint that redirects is misconfigured or hostile: never
    // follow it (a redirect could downgrade to http or leak the body).
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(signal));
    Ok(init)
}

async fn read_response(response: Response, deadline: &Deadline) -> Result<HttpResponse> {
    let status = response.status();
    if status == 0 || (300..400).contains(&status) {
        return Err(invalid_response("the endpoint answered with a redirect", Some(status)));
    }
    let headers = response.headers();
    let too_big = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    if too_big {
        if let Some(body) = response.body() {
            let _ = body.cancel();
        }
        return Err(invalid_response("the response body is too large", Some(status)));
    }
    let retry_after = headers.get("retry-after").ok().flatten();
    let text = response.text().map_err(|_| deadline.transport_error())?;
    let body = deadline.race(text).await?.as_string().unwrap_or_default();
    if body.len() as f64 > MAX_BODY_BYTES {
        return Err(invalid_response("the response body is too large", Some(status)));
    }
    Ok(HttpResponse { status, retry_after, body })
}

fn invalid_response(message: &str, status: Option<u16>) -> Error {
    let err = Error::new(ErrorCode::InvalidResponse, message);
    match status {
        Some(s) => err.with_status(s),
        None => err,
    }
}

fn unsupported_fetch() -> Error {
    Error::new(ErrorCode::Unsupported, "this runtime has no fetch API")
}
