//! [`Session`]: one user's tokens for one provider in a [`Store`], kept
//! fresh. Single-flight: concurrent callers wait on one refresh, which first
//! re-reads the store, so nobody sends a refresh token already rotated
//! away; the new set is stored before anyone gets it.

use std::borrow::ToOwned;
use std::boxed::Box;
use std::collections::HashMap;
use std::string::String;
use std::sync::{Arc, Mutex};

use futures_util::lock::Mutex as AsyncMutex;

use super::api_key::ApiKeyCredentials;
use super::clock::now_ms;
use super::error::{Error, Result};
use super::http::{BoxFuture, MaybeSendSync, Request, Response};
use super::provider::{Provider, Shared};
use crate::core::encode::concat;
use crate::core::error::{Error as CoreError, ErrorCode};
use crate::core::secret::Secret;
use crate::core::time::parse_retry_after;
use crate::core::token::TokenSet;
use crate::providers::RefreshTrigger;

const LIBRARY: &str = "crm-auth";

/// Where a [`Session`] keeps its tokens: the stored form of a
/// [`TokenSet`] (what JS `serialize()` writes, so a JS `Session` on the same
/// storage and key reads it too) under a key. It holds tokens: keep it like
/// a password.
pub trait Store: MaybeSendSync {
    /// The value under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>>;
    /// Stores `value` under `key`.
    fn set<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, Result<()>>;
    /// Forgets `key`.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>>;
}

/// One store shared by several sessions.
impl<T: Store + ?Sized> Store for Arc<T> {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        (**self).get(key)
    }
    fn set<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, Result<()>> {
        (**self).set(key, value)
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        (**self).delete(key)
    }
}

/// A [`Store`] in memory (one process, one Worker isolate, tests); values
/// are wiped when replaced or deleted.
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Secret>) -> R) -> R {
        // A panic elsewhere cannot leave the map half-written: keep going.
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut values)
    }
}

impl Store for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        let value = self.with(|v| v.get(key).map(|s| s.expose().to_owned()));
        Box::pin(async move { Ok(value) })
    }
    fn set<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, Result<()>> {
        self.with(|v| v.insert(key.to_owned(), Secret::new(value)));
        Box::pin(async { Ok(()) })
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        self.with(|v| v.remove(key));
        Box::pin(async { Ok(()) })
    }
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

/// What a [`Session`] authenticates with: a provider's tokens, or an API key.
#[derive(Clone)]
pub struct Credentials(Kind);

#[derive(Clone)]
enum Kind {
    Tokens(Arc<Shared>),
    Key(ApiKeyCredentials),
}

impl<K> From<&Provider<K>> for Credentials {
    fn from(p: &Provider<K>) -> Self {
        Credentials(Kind::Tokens(p.shared.clone()))
    }
}

impl<K> From<Provider<K>> for Credentials {
    fn from(p: Provider<K>) -> Self {
        Credentials(Kind::Tokens(p.shared))
    }
}

impl From<ApiKeyCredentials> for Credentials {
    fn from(key: ApiKeyCredentials) -> Self {
        Credentials(Kind::Key(key))
    }
}

/// One user's tokens for one provider, kept fresh (`Session` in JS): tokens
/// refreshed `skew_seconds` (60) before they expire, single-flight; API
/// calls with the credential placed, retried once after a refresh on 401
/// (or Flowlu's authorization error inside a 200). `Debug` shows no token.
pub struct Session {
    credentials: Kind,
    store: Box<dyn Store>,
    key: String,
    skew_seconds: f64,
    refreshing: AsyncMutex<()>,
}

impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("provider", &self.provider())
            .field("key", &self.key)
            .field("skew_seconds", &self.skew_seconds)
            .finish_non_exhaustive()
    }
}

fn invalid_grant(provider: &'static str, message: &str) -> Error {
    let mut e = CoreError::new(ErrorCode::OauthError, message);
    e.error = Some("invalid_grant".to_owned());
    Error::new(provider, e)
}

impl Session {
    /// A session for `credentials` keeping its tokens in `store` under
    /// `key` (`invalid_argument` when empty).
    pub fn new(
        credentials: impl Into<Credentials>,
        store: impl Store + 'static,
        key: impl Into<String>,
    ) -> Result<Session> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::of(
                LIBRARY,
                ErrorCode::InvalidArgument,
                "`key` is required",
            ));
        }
        Ok(Session {
            credentials: credentials.into().0,
            store: Box::new(store),
            key,
            skew_seconds: 60.0,
            refreshing: AsyncMutex::new(()),
        })
    }

    /// Refresh when fewer than this many seconds remain (default 60).
    pub fn with_skew_seconds(mut self, seconds: f64) -> Self {
        self.skew_seconds = seconds.max(0.0);
        self
    }

    /// The provider's registry name.
    pub fn provider(&self) -> &'static str {
        match &self.credentials {
            Kind::Tokens(shared) => shared.entry.name,
            Kind::Key(key) => key.provider(),
        }
    }

    /// Stores `tokens` (right after login or a code exchange).
    pub async fn save(&self, tokens: &TokenSet) -> Result<()> {
        self.store.set(&self.key, tokens.serialize()).await
    }

    /// The stored set; one that does not read counts as absent.
    async fn read(&self) -> Result<Option<TokenSet>> {
        let stored = self.store.get(&self.key).await?;
        Ok(stored.and_then(|s: String| TokenSet::deserialize(s.as_str()).ok()))
    }

    /// Valid tokens, refreshed first when they expire within the skew;
    /// `None` for API-key credentials. `oauth_error` with `invalid_grant`
    /// when nothing is stored or the refresh token is dead (the stored set
    /// is then deleted): send the user to log in.
    pub async fn tokens(&self) -> Result<Option<TokenSet>> {
        let Kind::Tokens(shared) = &self.credentials else {
            return Ok(None);
        };
        if let Some(tokens) = self.read().await? {
            if !tokens.is_expired(self.skew_seconds) {
                return Ok(Some(tokens));
            }
        }
        let _one_at_a_time = self.refreshing.lock().await;
        let current = self.read().await?.ok_or_else(|| self.logged_out(shared))?;
        if !current.is_expired(self.skew_seconds) {
            return Ok(Some(current));
        }
        self.refresh_from(shared, current).await.map(Some)
    }

    fn logged_out(&self, shared: &Shared) -> Error {
        invalid_grant(shared.entry.name, "no tokens stored: log in")
    }

    /// Refreshes `current` (held under the refresh lock) and stores the
    /// answer before handing it out.
    async fn refresh_from(&self, shared: &Shared, current: TokenSet) -> Result<TokenSet> {
        let Some(refresh_token) = &current.refresh_token else {
            return Err(invalid_grant(
                shared.entry.name,
                "the tokens expired and there is no refresh token: log in",
            ));
        };
        let api_base = current.api_base.as_deref();
        match shared.refresh(refresh_token.expose(), api_base).await {
            Ok(fresh) => {
                self.save(&fresh).await?;
                Ok(fresh)
            }
            Err(e) if e.error() == Some("invalid_grant") => {
                // Another session on this store may have rotated it: its set wins.
                if let Some(stored) = self.read().await? {
                    if stored.refresh_token != current.refresh_token {
                        return Ok(stored);
                    }
                }
                self.store.delete(&self.key).await?;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// After a 401 with `used`: the stored set if someone refreshed
    /// meanwhile, else a refresh.
    async fn refreshed_after(&self, shared: &Shared, used: &TokenSet) -> Result<TokenSet> {
        let _one_at_a_time = self.refreshing.lock().await;
        let current = self.read().await?.ok_or_else(|| self.logged_out(shared))?;
        if current.access_token != used.access_token {
            return Ok(current);
        }
        self.refresh_from(shared, current).await
    }

    /// Sends `request` with the credential: a `url` starting with `/` is
    /// joined to the tokens' API base (the token answer's: Salesforce's
    /// `instance_url`, Pipedrive's and Zoho's `api_domain`), else the
    /// provider's. On 401 (or Flowlu's authorization error inside a 200) the
    /// tokens are refreshed and the request sent once more (to the
    /// refreshed set's API base), unless the provider's 401s are not about
    /// expiry (HubSpot: refreshed from the expiry only); a 429, or the
    /// provider's own limit answer (Salesforce's 403
    /// `REQUEST_LIMIT_EXCEEDED`), is `rate_limited` with `retry_after`.
    /// Redirects are returned, not followed (no credential reaches another
    /// origin).
    pub async fn fetch(&self, request: Request) -> Result<Response> {
        let answer = match &self.credentials {
            Kind::Key(key) => {
                let mut request = self.at(request, Some(key.api_base()))?;
                key.authorize(&mut request);
                key.send(&request).await?
            }
            Kind::Tokens(shared) => self.fetch_with_tokens(shared, request).await?,
        };
        if let Some(limited) = self.api_rate_limit(&answer) {
            return Err(limited);
        }
        if answer.status == 429 {
            let mut e =
                CoreError::new(ErrorCode::RateLimited, "rate limited (HTTP 429)").with_status(429);
            e.retry_after = answer
                .header("retry-after")
                .and_then(|v| parse_retry_after(v, now_ms()));
            return Err(Error::new(self.provider(), e));
        }
        Ok(answer)
    }

    /// `request` with a path (`/…`) joined to `base`.
    fn at(&self, mut request: Request, base: Option<&str>) -> Result<Request> {
        if request.url.starts_with('/') {
            let base = base.ok_or_else(|| {
                Error::of(
                    self.provider(),
                    ErrorCode::InvalidArgument,
                    "the provider's API base is unknown: pass an absolute URL",
                )
            })?;
            request.url = concat(&[base.trim_end_matches('/'), &request.url]);
        }
        Ok(request)
    }

    /// The provider's own limit answer (registry: `rate_limit_status`, read
    /// by its `api_error`) as `rate_limited`.
    fn api_rate_limit(&self, answer: &Response) -> Option<Error> {
        let Kind::Tokens(shared) = &self.credentials else {
            return None;
        };
        let entry = shared.entry;
        if entry.rate_limit_status != Some(answer.status) {
            return None;
        }
        let mut e = (entry.api_error?)(&answer.text())?;
        if e.code != ErrorCode::RateLimited {
            return None;
        }
        e.status = Some(answer.status);
        e.retry_after = answer
            .header("retry-after")
            .and_then(|v| parse_retry_after(v, now_ms()));
        Some(shared.error(e))
    }

    async fn fetch_with_tokens(&self, shared: &Shared, request: Request) -> Result<Response> {
        let tokens = self
            .tokens()
            .await?
            .ok_or_else(|| self.logged_out(shared))?;
        let base = |t: &TokenSet| {
            t.api_base
                .clone()
                .or_else(|| shared.api_base().map(Into::into))
        };
        let sent = self.at(request.clone(), base(&tokens).as_deref())?;
        let answer = send_with(shared, &sent, &tokens).await?;
        let refreshes_on_401 = shared.entry.refresh_trigger == RefreshTrigger::ExpiryOr401;
        if !refreshes_on_401 || tokens.refresh_token.is_none() || !unauthorized(shared, &answer) {
            return Ok(answer);
        }
        let fresh = self.refreshed_after(shared, &tokens).await?;
        // The refresh may have moved the API (Pipedrive's api_domain).
        let sent = self.at(request, base(&fresh).as_deref())?;
        send_with(shared, &sent, &fresh).await
    }

    /// Revokes the refresh token (else the access token) where the provider
    /// can, ignoring revocation failures, then deletes the stored tokens. A
    /// refresh in flight is waited for.
    pub async fn logout(&self) -> Result<()> {
        let _one_at_a_time = self.refreshing.lock().await;
        if let (Kind::Tokens(shared), Some(tokens)) = (&self.credentials, self.read().await?) {
            let token = tokens
                .refresh_token
                .as_ref()
                .unwrap_or(&tokens.access_token);
            let _ = shared
                .revoke(token.expose(), tokens.api_base.as_deref())
                .await;
        }
        self.store.delete(&self.key).await
    }
}

async fn send_with(shared: &Shared, request: &Request, tokens: &TokenSet) -> Result<Response> {
    let mut request = request.clone();
    shared
        .authorize(&mut request, tokens.access_token.expose())
        .map_err(|e| shared.error(e))?;
    shared.send(&request).await
}

/// A 401, or an authorization failure the provider reports inside a 2xx
/// (registry: `api_errors_in_2xx`).
fn unauthorized(shared: &Shared, answer: &Response) -> bool {
    if answer.status == 401 {
        return true;
    }
    let Some(read) = shared
        .entry
        .api_error
        .filter(|_| shared.entry.api_errors_in_2xx)
    else {
        return false;
    };
    (200..300).contains(&answer.status)
        && read(&answer.text()).is_some_and(|e| e.error.as_deref() == Some("invalid_token"))
}
