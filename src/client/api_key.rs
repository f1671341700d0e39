//! [`ApiKeyCredentials`]: a CRM's static API key, placed by its registry
//! entry.

use std::sync::Arc;

use serde::Serialize;

use super::error::{Error, Result};
use super::http::{HttpClient, Request, Response};
use super::provider::{apply, entry, options_json, Crm};
use crate::core::error::ErrorCode;
use crate::core::options::Options;
use crate::providers::credential::ApiKey;

/// A static API key (`Flexie::api_key`, …): placed on requests the one
/// way its provider expects. `Debug` shows no key.
#[derive(Clone)]
pub struct ApiKeyCredentials {
    pub(crate) key: ApiKey,
    pub(crate) http: Arc<dyn HttpClient>,
}

impl core::fmt::Debug for ApiKeyCredentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ApiKeyCredentials")
            .field("provider", &self.key.provider)
            .field("api_base", &self.key.api_base)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl ApiKeyCredentials {
    pub(crate) fn new<K: Crm>(options: impl Serialize, http: Arc<dyn HttpClient>) -> Result<Self> {
        let entry = entry::<K>()?;
        let json = options_json(entry.name, &options)?;
        let build = entry.api_key.ok_or_else(|| {
            Error::of(
                entry.name,
                ErrorCode::Unsupported,
                "this provider has no API keys",
            )
        })?;
        let key = Options::parse(&json, "apiKey options", false)
            .and_then(|o| build(&o))
            .map_err(|e| Error::new(entry.name, e))?;
        Ok(ApiKeyCredentials { key, http })
    }

    /// The provider these credentials are for.
    pub fn provider(&self) -> &'static str {
        self.key.provider
    }

    /// Base URL of the provider's API.
    pub fn api_base(&self) -> &str {
        &self.key.api_base
    }

    /// Puts the key on `request` in the one place the provider expects.
    pub fn authorize(&self, request: &mut Request) {
        apply(self.key.apply(&request.url), request);
    }

    pub(crate) async fn send(&self, request: &Request) -> Result<Response> {
        self.http
            .send(request)
            .await
            .map_err(|e| Error::new(self.key.provider, e))
    }
}
