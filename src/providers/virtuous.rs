//! Virtuous CRM (https://api.virtuoussoftware.com): password grant with
//! optional two-factor, refresh, API keys; HMAC exists but its recipe is not
//! public (see `core::hmac`: a configurable signer, not Virtuous's recipe).
//!
//! From Virtuous's API docs:
//! - `POST /Token`, form: `grant_type=password, username, password` (form
//!   encoded) and, on the second try of a two-factor account, `otp`. No
//!   client id is sent.
//! - The first call of a two-factor account answers **202**, whatever the
//!   body: the caller must ask the user for a code and log in again.
//! - Refresh: `grant_type=refresh_token`.
//! - Answers add `userName`, `.issued`, `.expires` (RFC 1123) and
//!   `expires_in` (seen 3599 and 1,295,999: never assume a lifetime); the
//!   core uses `.expires` only when `expires_in` is absent.
//! - No revocation endpoint is documented.
//!
//! Our assumptions: API keys and password-grant tokens both go as
//! `Authorization: Bearer <key>` (the docs show it for keys; nothing else is
//! described for tokens), and the API base is `/api` on the same origin
//! (`apiBase` overrides).

use super::credential::{ApiKey, Style};
use super::password::PasswordFlow;
use super::tenant::{Home, Host};
use super::Provider;
use crate::core::endpoint::join_origin;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::options::Options;
use crate::core::token::Answers;

/// Provider name used in errors.
pub const NAME: &str = "virtuous";
/// Production origin.
pub const ORIGIN: &str = "https://api.virtuoussoftware.com";
/// Where Virtuous lives; API keys go as `Authorization: Bearer`. The `/api`
/// base is our assumption (`apiBase` overrides).
pub const HOST: Host = Host {
    name: NAME,
    home: Home::Fixed(ORIGIN),
    api: "/api",
};

/// Virtuous's token answers (its docs' sample) add `.issued` and `.expires`
/// (RFC 1123 dates); `.expires` is read when `expires_in` is missing.
pub const ANSWERS: Answers = Answers {
    expires_date: Some(".expires"),
    fix_error: Some(otp_required),
    api_base: None,
    comma_scopes: false,
    ..Answers::STANDARD
};

/// Virtuous answers 202 when the user has two-factor login: repeat with `otp`.
fn otp_required(status: u16, error: Option<Error>) -> Option<Error> {
    if status == 202 {
        return Some(
            Error::new(
                ErrorCode::OtpRequired,
                "Virtuous wants a two-factor code: log in again with `otp`",
            )
            .with_status(202),
        );
    }
    error
}

/// Builds the Virtuous password flow at `origin` (default production) with
/// an optional `apiBase`.
pub fn password_flow(origin: Option<&str>, api_base: Option<&str>) -> Result<PasswordFlow> {
    let origin = origin.unwrap_or(ORIGIN);
    let token_endpoint = join_origin(origin, "/Token")?;
    let api_base = HOST.api_base(origin, api_base)?;
    let mut flow = PasswordFlow::new(NAME, token_endpoint, Some(api_base), None, Style::BEARER)?;
    flow.answers = &ANSWERS;
    Ok(flow)
}

/// Virtuous in the registry: a password grant and API keys (Bearer).
pub const PROVIDER: Provider = Provider {
    name: NAME,
    password_flow: Some(|o| password_flow(o.str("origin")?, o.str("apiBase")?)),
    api_key: Some(api_key),
    ..Provider::NONE
};

fn api_key(o: &Options) -> Result<ApiKey> {
    let key = o.required("apiKey")?;
    ApiKey::hosted(&HOST, HOST.place(o)?, Ok(Style::BEARER), key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encode::form_encode;
    use crate::core::request::HttpResponse;
    use crate::core::token::parse_token_response;

    #[test]
    fn production_urls() {
        let flow = password_flow(None, None).unwrap();
        assert_eq!(
            flow.token_endpoint,
            "https://api.virtuoussoftware.com/Token"
        );
        assert_eq!(
            flow.api_base.as_deref(),
            Some("https://api.virtuoussoftware.com/api")
        );
        assert!(flow.refresh_request("rt").is_ok());
        let key = crate::providers::credential::ApiKey::hosted(
            &HOST,
            Default::default(),
            Ok(Style::BEARER),
            "k",
        )
        .unwrap();
        assert_eq!(key.api_base, "https://api.virtuoussoftware.com/api");
        let custom = password_flow(None, Some("https://api.virtuoussoftware.com/api/v2")).unwrap();
        assert_eq!(
            custom.api_base.as_deref(),
            Some("https://api.virtuoussoftware.com/api/v2")
        );
    }

    #[test]
    fn two_factor_and_exact_body() {
        let flow = password_flow(None, None).unwrap();
        let req = flow
            .login_request("ana@example.com", "p&s=w+rd ü", &[("otp", "123456")])
            .unwrap();
        assert_eq!(req.url, "https://api.virtuoussoftware.com/Token");
        assert_eq!(
            req.body.as_deref(),
            Some("grant_type=password&username=ana%40example.com&password=p%26s%3Dw%2Brd+%C3%BC&otp=123456")
        );
        assert!(
            !req.body.unwrap().contains("client_id"),
            "Virtuous sends no client id"
        );
        let accepted = HttpResponse {
            status: 202,
            retry_after: None,
            body: form_encode(&[]),
        };
        assert_eq!(
            parse_token_response(&accepted, 0.0, flow.answers)
                .unwrap_err()
                .code,
            ErrorCode::OtpRequired
        );
    }
}
