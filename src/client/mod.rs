//! An async Rust client (feature `client`): the JS package's API for Rust
//! wasm apps (Leptos, Yew, Dioxus), Rust Workers (`workers-rs`) and native
//! servers, built on the same core and registry as the npm package.
//!
//! - Provider types ([`Flextell`], [`Flexie`], [`AgileCrm`], [`OAuth2`],
//!   [`Flowlu`], [`Virtuous`], [`HubSpot`], [`Salesforce`], [`Pipedrive`],
//!   [`ZohoCrm`]) are [`Provider<K>`] for a marker naming the
//!   registry entry: options in their JS names go to the entry as JSON, the
//!   requests it builds are sent through an [`HttpClient`], the answers are
//!   read by the core with the provider's quirks.
//! - [`TokenSet`] serializes (serde) to the stored form JS `serialize()`
//!   writes; [`Session`] keeps one user's tokens fresh in a [`Store`]
//!   ([`MemoryStore`], `WebStorageStore` on wasm).
//! - Errors are [`Error`] with the JS `CrmAuthError` codes ([`ErrorCode`]).
//! - HTTP: `Fetch` (gloo-net, the global `fetch`: windows, workers,
//!   workerd) on wasm; natively `UreqClient` (feature `ureq`) or any
//!   [`HttpClient`]. Redirects are never followed.
//!
//! ```no_run
//! # #[cfg(any(target_arch = "wasm32", feature = "ureq"))]
//! # async fn run() -> Result<(), crm_auth::client::Error> {
//! use crm_auth::client::{AuthorizationRequestOptions, Flextell, MemoryStore, Request, Session};
//! let flextell = Flextell::new(serde_json::json!({
//!     "clientId": "my-app", "clientSecret": "…", "redirectUri": "https://app.example/cb",
//!     "scopes": ["read"],
//! }))?;
//! let request = flextell.create_authorization_request(&AuthorizationRequestOptions::default())?;
//! // … redirect to request.url, keep request.state and request.code_verifier …
//! # let (callback_url, verifier) = ("", None);
//! let callback = flextell.parse_callback(callback_url, &request.state)?;
//! let tokens = flextell.exchange_code(callback.code.expose(), verifier, None).await?;
//! let session = Session::new(&flextell, MemoryStore::new(), "user-1")?;
//! session.save(&tokens).await?;
//! let me = session.fetch(Request::get("/users/me")).await?;
//! # Ok(()) }
//! ```

mod api_key;
mod clock;
mod error;
mod http;
mod provider;
mod session;
mod token;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(all(not(target_arch = "wasm32"), feature = "ureq"))]
mod ureq_client;
#[cfg(target_arch = "wasm32")]
mod web_storage;

pub use api_key::ApiKeyCredentials;
pub use error::{Error, Result};
pub use http::{BoxFuture, HttpClient, MaybeSendSync, Request, Response};
pub use provider::{AuthorizationRequestOptions, Callback, Crm, LoginOptions, Provider};
pub use session::{Credentials, MemoryStore, Session, Store};

pub use crate::core::error::ErrorCode;
pub use crate::core::secret::Secret;
pub use crate::core::token::TokenSet;
pub use crate::providers::code_flow::AuthorizationRequest;

#[cfg(target_arch = "wasm32")]
pub use fetch::Fetch;
#[cfg(all(not(target_arch = "wasm32"), feature = "ureq"))]
pub use ureq_client::UreqClient;
#[cfg(target_arch = "wasm32")]
pub use web_storage::WebStorageStore;

/// The platform's HTTP client: what `Provider::new` uses.
#[cfg(target_arch = "wasm32")]
type DefaultHttp = Fetch;
#[cfg(all(not(target_arch = "wasm32"), feature = "ureq"))]
type DefaultHttp = UreqClient;

/// One provider type: a marker naming its registry entry, and the alias
/// users write. A new CRM in `src/providers` is one line here.
macro_rules! crm {
    ($(#[$doc:meta])* $name:ident, $marker:ident, $registry:literal) => {
        #[doc = concat!("Marker of the `", $registry, "` registry entry (see [`", stringify!($name), "`]).")]
        #[derive(Clone, Copy, Debug)]
        pub enum $marker {}
        impl Crm for $marker {
            const NAME: &'static str = $registry;
        }
        $(#[$doc])*
        pub type $name = Provider<$marker>;
    };
}

crm!(
    /// Flextell: authorization code + PKCE (confidential, `scopes` required); refresh tokens rotate.
    Flextell, FlextellCrm, "flextell"
);
crm!(
    /// Flexie CRM: authorization code on `https://{subdomain}.flexie.io`, or an API key.
    Flexie, FlexieCrm, "flexie"
);
crm!(
    /// Agile CRM: authorization code, or HTTP Basic `email:apiKey`.
    AgileCrm, AgileCrmCrm, "agilecrm"
);
crm!(
    /// Any OAuth 2.0 server by its endpoint URLs: code + PKCE, password grant, RFC 7009 revocation.
    OAuth2, OAuth2Crm, "oauth2"
);
crm!(
    /// Flowlu: password grant (tokens without expiry or refresh) or an API key.
    Flowlu, FlowluCrm, "flowlu"
);
crm!(
    /// Virtuous CRM: password grant with two-factor (`otp`), refresh, API keys.
    Virtuous, VirtuousCrm, "virtuous"
);
crm!(
    /// HubSpot: authorization code (+ PKCE), refreshed from the expiry only (its 401s are not about expiry); private-app tokens.
    HubSpot, HubSpotCrm, "hubspot"
);
crm!(
    /// Salesforce: authorization code (+ PKCE), API at the token's `instance_url`; no expiry, so refreshed on 401; client credentials on a My Domain.
    Salesforce, SalesforceCrm, "salesforce"
);
crm!(
    /// Pipedrive: authorization code (Basic client auth, no scope, no PKCE), API at the token's `api_domain`; `x-api-token` API keys.
    Pipedrive, PipedriveCrm, "pipedrive"
);
crm!(
    /// Zoho CRM: authorization code (+ PKCE) at the callback's data centre, API at `api_domain`, `Zoho-oauthtoken` tokens.
    ZohoCrm, ZohoCrmCrm, "zohocrm"
);
