//! [`WebStorageStore`]: a [`Store`] over `sessionStorage` or `localStorage`.

use std::boxed::Box;
use std::string::String;

use web_sys::Storage;

use super::error::{Error, Result};
use super::http::BoxFuture;
use super::session::Store;
use crate::core::error::ErrorCode;

/// A [`Store`] over Web Storage. Any script on the page can read it:
/// prefer `sessionStorage` and a strict Content Security Policy. The values
/// are the ones a JS `WebStorageStore` holds, so both read each other's.
#[derive(Clone, Debug)]
pub struct WebStorageStore {
    storage: Storage,
}

fn refused(what: &str) -> Error {
    Error::of("crm-auth", ErrorCode::Unsupported, what)
}

impl WebStorageStore {
    /// A store over `storage`.
    pub fn new(storage: Storage) -> Self {
        WebStorageStore { storage }
    }

    /// The page's `sessionStorage`; `unsupported` outside a window (workers,
    /// Node, workerd) or where storage is blocked.
    pub fn session() -> Result<Self> {
        let window = web_sys::window().ok_or_else(|| refused("no window: no sessionStorage"))?;
        let storage = window.session_storage().ok().flatten();
        storage
            .map(Self::new)
            .ok_or_else(|| refused("sessionStorage is not available"))
    }

    /// The page's `localStorage` (see [`WebStorageStore::session`]).
    pub fn local() -> Result<Self> {
        let window = web_sys::window().ok_or_else(|| refused("no window: no localStorage"))?;
        let storage = window.local_storage().ok().flatten();
        storage
            .map(Self::new)
            .ok_or_else(|| refused("localStorage is not available"))
    }
}

impl Store for WebStorageStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        let value = self
            .storage
            .get_item(key)
            .map_err(|_| refused("the storage refused the read"));
        Box::pin(async move { value })
    }
    fn set<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, Result<()>> {
        // Full (QuotaExceededError) or blocked.
        let done = self
            .storage
            .set_item(key, &value)
            .map_err(|_| refused("the storage refused the write"));
        Box::pin(async move { done })
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        let done = self
            .storage
            .remove_item(key)
            .map_err(|_| refused("the storage refused the delete"));
        Box::pin(async move { done })
    }
}
