//! [`UreqClient`]: the native client's HTTP over ureq (feature `ureq`).

use std::boxed::Box;
use std::string::ToString;
use std::time::Duration;
use std::vec::Vec;

use super::http::{BoxFuture, HttpClient, Request, Response};
use crate::core::error::{Error as CoreError, ErrorCode};

/// Answers larger than this are cut off with `invalid_response`.
const MAX_ANSWER: u64 = 16 * 1024 * 1024;

/// HTTP over a ureq agent: rustls, no redirects followed, a 30 s timeout
/// per request. ureq blocks the calling thread while it waits: fine for
/// command-line tools and tests; in a Tokio server call the client from
/// `spawn_blocking`, or implement [`HttpClient`] over your async client.
#[derive(Clone, Debug)]
pub struct UreqClient {
    agent: ureq::Agent,
}

impl Default for UreqClient {
    fn default() -> Self {
        Self::with_timeout(Duration::from_secs(30))
    }
}

impl UreqClient {
    /// A client whose requests time out after `timeout`.
    pub fn with_timeout(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .build();
        UreqClient {
            agent: config.into(),
        }
    }

    fn run(&self, request: &Request) -> Result<Response, CoreError> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(request.url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = request.body.clone().unwrap_or_default();
        // The http crate's errors can quote the value: keep only the code.
        let built = builder.body(body).map_err(|_| {
            CoreError::new(ErrorCode::InvalidArgument, "the request cannot be built")
        })?;
        let mut answer = self.agent.run(built).map_err(failed)?;
        let headers: Vec<_> = answer
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let body = answer
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(failed)?;
        Ok(Response {
            status: answer.status().as_u16(),
            headers,
            body,
        })
    }
}

fn failed(e: ureq::Error) -> CoreError {
    match e {
        ureq::Error::Timeout(_) => {
            CoreError::new(ErrorCode::Timeout, "no answer within the timeout")
        }
        ureq::Error::BodyExceedsLimit(_) => {
            CoreError::new(ErrorCode::InvalidResponse, "the answer is too large")
        }
        _ => CoreError::new(ErrorCode::NetworkError, "the request failed"),
    }
}

impl HttpClient for UreqClient {
    fn send<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response, CoreError>> {
        Box::pin(async move { self.run(request) })
    }
}
