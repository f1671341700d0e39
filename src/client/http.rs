//! The client's one seam to the network: [`HttpClient`] runs a [`Request`]
//! and answers a [`Response`]. Requests come from the core as data; an
//! implementation only moves bytes. On wasm, `Fetch` (the
//! global `fetch`); natively, `UreqClient` (feature
//! `ureq`) or your own.

use std::boxed::Box;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::string::String;
use std::vec::Vec;

use crate::core::error::Error as CoreError;
use crate::core::request::HttpRequest;

/// A boxed future: `Send` on native targets (servers move work between
/// threads), not on wasm (JS promises are single-threaded).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future: `Send` on native targets (servers move work between
/// threads), not on wasm (JS promises are single-threaded).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// `Send + Sync` on native targets, nothing on wasm: what a shared
/// [`HttpClient`] or [`Store`](super::Store) must be where futures move
/// between threads.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}
/// `Send + Sync` on native targets, nothing on wasm: what a shared
/// [`HttpClient`] or [`Store`](super::Store) must be where futures move
/// between threads.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}

/// An HTTP request: a token request built by the core, or an API call.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// Absolute URL; for [`Session::fetch`](super::Session::fetch), a path
    /// starting with `/` is joined to the provider's API base.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// A request without headers or body.
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Request {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `GET` of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Request::new("GET", url)
    }

    /// Sets header `name` (replacing any of the same name, in any case).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set_header(name, value.into());
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Replaces header `name` (any case) with `value`.
    pub fn set_header(&mut self, name: &str, value: String) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value));
    }
}

impl From<HttpRequest> for Request {
    fn from(r: HttpRequest) -> Self {
        Request {
            method: r.method.into(),
            url: r.url,
            headers: r.headers.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            body: r.body.map(String::into_bytes),
        }
    }
}

/// Method and URL up to its query only: headers, body and some providers'
/// query parameters carry secrets.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.find(['?', '#']) {
            Some(i) => &self.url[..=i],
            None => &self.url,
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &url)
            .finish_non_exhaustive()
    }
}

/// An HTTP answer, whole. Redirects are never followed: a 3xx (in a
/// browser, status 0 for an opaque redirect) is the answer.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Leaves the body out: token answers carry tokens.
impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Runs HTTP requests for the client. Must not follow redirects (token
/// requests would resend secrets; API credentials must not reach another
/// origin). Failures are `network_error` or `timeout`
/// ([`CoreError::new`] with that [`ErrorCode`](super::ErrorCode)), with
/// nothing secret in their message.
pub trait HttpClient: MaybeSendSync {
    /// Sends `request` and reads the whole answer.
    fn send<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response, CoreError>>;
}
