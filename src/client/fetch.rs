//! [`Fetch`]: the wasm client's HTTP over gloo-net, i.e. the global `fetch`,
//! so it runs in windows, web and service workers, Node and workerd alike.

use std::boxed::Box;
use std::string::String;
use std::vec::Vec;

use gloo_net::http::{Method, RequestBuilder};
use web_sys::{AbortSignal, RequestRedirect};

use super::http::{BoxFuture, HttpClient, Request, Response};
use crate::core::error::{Error as CoreError, ErrorCode};

/// The global `fetch`, redirects not followed (`redirect: "manual"`), each
/// request bounded by a timeout (`AbortSignal.timeout`).
#[derive(Clone, Debug)]
pub struct Fetch {
    timeout_ms: u32,
}

impl Default for Fetch {
    /// A 30 s timeout, like the JS package's `timeoutMs`.
    fn default() -> Self {
        Fetch { timeout_ms: 30_000 }
    }
}

impl Fetch {
    /// `fetch` with requests aborted (`timeout`) after `timeout_ms`.
    pub fn with_timeout(timeout_ms: u32) -> Self {
        Fetch { timeout_ms }
    }

    async fn run(&self, request: &Request) -> Result<Response, CoreError> {
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|_| CoreError::new(ErrorCode::InvalidArgument, "not an HTTP method"))?;
        let signal = AbortSignal::timeout_with_u32(self.timeout_ms);
        let mut builder = RequestBuilder::new(&request.url)
            .method(method)
            .redirect(RequestRedirect::Manual)
            .abort_signal(Some(&signal));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        // The browser's TypeError can quote the URL: keep only the code.
        let failed = |what: &str| {
            if signal.aborted() {
                CoreError::new(ErrorCode::Timeout, "no answer within the timeout")
            } else {
                CoreError::new(ErrorCode::NetworkError, what)
            }
        };
        let built = match &request.body {
            Some(body) => builder.body(js_sys::Uint8Array::from(body.as_slice())),
            None => builder.build(),
        }
        .map_err(|_| CoreError::new(ErrorCode::InvalidArgument, "the request cannot be built"))?;
        let answer = built
            .send()
            .await
            .map_err(|_| failed("the request failed"))?;
        let headers: Vec<(String, String)> = answer.headers().entries().collect();
        let body = answer
            .binary()
            .await
            .map_err(|_| failed("the answer could not be read"))?;
        Ok(Response {
            status: answer.status(),
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body,
        })
    }
}

impl HttpClient for Fetch {
    fn send<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response, CoreError>> {
        Box::pin(self.run(request))
    }
}
