//! Zoho CRM (https://accounts.zoho.{dc}, API at https://www.zohoapis.{dc}):
//! OAuth 2.0 authorization code, for server apps (client secret) and
//! public clients (PKCE).
//!
//! From Zoho's OAuth docs (Zoho Accounts "Multi DC support", Zoho CRM v8
//! "OAuth", "Refresh tokens", "Revoking Refresh Token", "Token validity"):
//! - Authorize at `{accounts}/oauth/v2/auth` with `scope` **comma-separated**
//!   (`ZohoCRM.modules.ALL,ZohoCRM.users.READ`), `access_type=offline` (a
//!   refresh token is issued only then) and `prompt=consent` (without it a
//!   refresh token comes only on the user's first consent).
//! - The callback carries `location` and **`accounts-server`**: the user's
//!   data centre, where the code must be exchanged. Only Zoho's own accounts
//!   servers ([`DATA_CENTRES`]; with `origin`, only that origin) are
//!   accepted: anything else is `invalid_callback`, and no code or secret is
//!   ever sent to a host a URL parameter names unchecked.
//! - Token at `{accounts}/oauth/v2/token`, client secret as a parameter (a
//!   form body). The answer: `access_token`, `refresh_token`, **`api_domain`**
//!   (the set's `apiBase`, see [`ANSWERS`]), `token_type`, `expires_in`
//!   3600. Refresh tokens never rotate (a refresh answers no new one).
//! - Errors come **inside HTTP 200**: `{"error":"invalid_code"}` for a dead
//!   code or refresh token, reported as `invalid_grant` (its RFC 6749
//!   meaning, so `Session` asks for a new login); `Access Denied` once more
//!   than 5 refreshes a minute were asked for a user, reported as
//!   `rate_limited` (so `Session` backs off).
//! - Revoke at `{accounts}/oauth/v2/token/revoke` with `token`.
//! - API: `{api_domain}/crm/v8/…` with **`Authorization: Zoho-oauthtoken
//!   <token>`** (not Bearer).
//!
//! Our assumptions: revocation takes `token` in the form body (Zoho's
//! example puts it in the query; its token endpoint reads both, and a body
//! keeps the token out of URLs and logs). A set is refreshed and revoked at
//! the accounts server of the data centre its `apiBase` belongs to (Zoho
//! CRM's `api_domain` is `https://www.zohoapis.{dc}`); an unknown one, or
//! none, uses the `dataCenter` option's. The UK data centre's API host
//! `www.zohoapis.uk` is not in Zoho CRM's list (its accounts host is in
//! Zoho Accounts' list).

use super::code_flow::{invalid, CodeFlow, Endpoints, Registration, TokenHosts};
use super::credential::{Placement, Style};
use super::tenant::api_base;
use super::Provider;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::options::Options;
use crate::core::request::ClientAuth;
use crate::core::token::Answers;
use crate::prelude::*;

/// Provider name used in errors.
pub const NAME: &str = "zohocrm";

/// `dataCenter` option, accounts server, API domain: Zoho Accounts'
/// "Multi DC support" list and Zoho CRM's API domains (UK API host
/// assumed, see the module notes).
pub const DATA_CENTRES: [(&str, &str, &str); 9] = [
    (
        "com",
        "https://accounts.zoho.com",
        "https://www.zohoapis.com",
    ),
    ("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    ("in", "https://accounts.zoho.in", "https://www.zohoapis.in"),
    (
        "com.au",
        "https://accounts.zoho.com.au",
        "https://www.zohoapis.com.au",
    ),
    (
        "com.cn",
        "https://accounts.zoho.com.cn",
        "https://www.zohoapis.com.cn",
    ),
    ("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp"),
    ("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    (
        "ca",
        "https://accounts.zohocloud.ca",
        "https://www.zohoapis.ca",
    ),
    ("uk", "https://accounts.zoho.uk", "https://www.zohoapis.uk"),
];

/// Zoho's OAuth paths below an accounts server.
const AUTHORIZE: &str = "/oauth/v2/auth";
const TOKEN: &str = "/oauth/v2/token";
const REVOKE: &str = "/oauth/v2/token/revoke";

/// Zoho's token answers: `api_domain` is the API base; errors inside HTTP
/// 200 are read by the core already (the standard `{error}` shape counts
/// there), and [`zoho_errors`] gives two of them their meaning.
pub const ANSWERS: Answers = Answers {
    api_base: Some("api_domain"),
    fix_error: Some(zoho_errors),
    ..Answers::STANDARD
};

/// `invalid_code` (a dead code or refresh token) is RFC 6749's
/// `invalid_grant`; `Access Denied` is Zoho's refresh limit.
fn zoho_errors(_: u16, error: Option<Error>) -> Option<Error> {
    let mut e = error?;
    match e.error.as_deref() {
        Some("invalid_code") => {
            e.error = Some("invalid_grant".to_owned());
            e.error_description
                .get_or_insert_with(|| "Zoho answered invalid_code".to_owned());
        }
        Some(code) if code.eq_ignore_ascii_case("access denied") => {
            e.code = ErrorCode::RateLimited;
            e.message =
                "Zoho refused the token request: at most 5 refreshes a minute per user".to_owned();
        }
        _ => {}
    }
    Some(e)
}

/// Fixed authorize parameters: a refresh token, on every login.
const AUTHORIZE_PARAMS: &[(&str, &str)] = &[("access_type", "offline"), ("prompt", "consent")];

/// Zoho CRM in the registry: a code flow with `Zoho-oauthtoken` tokens.
pub const PROVIDER: Provider = Provider {
    name: NAME,
    code_flow: Some(code_flow),
    ..Provider::NONE
};

/// The code flow for the `dataCenter` option (default `"com"`), or at
/// `origin` (tests), where that origin is the only accounts server.
pub fn code_flow(o: &Options, registration: Registration) -> Result<CodeFlow> {
    let hosts: Vec<(String, String)> = match o.str("origin")? {
        Some(origin) => vec![(origin.to_owned(), origin.to_owned())],
        None => {
            let dc = o.str("dataCenter")?.unwrap_or("com");
            let first = DATA_CENTRES
                .iter()
                .position(|(key, _, _)| *key == dc)
                .ok_or_else(|| {
                    invalid("dataCenter must be one of com, eu, in, com.au, com.cn, jp, sa, ca, uk")
                })?;
            let mut all = DATA_CENTRES.to_vec();
            all.swap(0, first);
            all.into_iter()
                .map(|(_, accounts, api)| (accounts.to_owned(), api.to_owned()))
                .collect()
        }
    };
    let (accounts, api) = &hosts[0];
    let mut endpoints = Endpoints::at(accounts, AUTHORIZE, TOKEN, Some(REVOKE))?;
    endpoints.api = Some(api_base(o.str("apiBase")?.unwrap_or(api))?);
    let auth = match registration.client_secret {
        Some(_) => ClientAuth::SecretPost,
        None => ClientAuth::None, // a public client: PKCE
    };
    let style = Style {
        placement: Placement::Scheme("Zoho-oauthtoken"),
        accept_json: false,
    };
    let mut flow = CodeFlow::registered(NAME, endpoints, registration, auth, style)?;
    flow.answers = &ANSWERS;
    flow.scope_separator = ",";
    flow.authorize_params = AUTHORIZE_PARAMS;
    flow.token_hosts = Some(TokenHosts {
        param: "accounts-server",
        hosts,
        token: TOKEN,
        revoke: REVOKE,
    });
    Ok(flow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encode::append_query;
    use crate::core::request::HttpResponse;
    use crate::core::token::parse_token_response;
    use crate::providers::code_flow::{assert_urls, test_flow};

    fn flow(options: &str) -> Result<CodeFlow> {
        test_flow(code_flow, options)
    }

    #[test]
    fn production_urls() {
        assert_urls(
            &flow("{}").unwrap(),
            "https://accounts.zoho.com/oauth/v2/auth",
            "https://accounts.zoho.com/oauth/v2/token",
            Some("https://accounts.zoho.com/oauth/v2/token/revoke"),
            Some("https://www.zohoapis.com"),
        );
        let eu = flow(r#"{"dataCenter":"eu"}"#).unwrap();
        assert_eq!(eu.token_endpoint, "https://accounts.zoho.eu/oauth/v2/token");
        assert_eq!(eu.api_base.as_deref(), Some("https://www.zohoapis.eu"));
        let ca = flow(r#"{"dataCenter":"ca"}"#).unwrap();
        assert_eq!(
            ca.authorization_endpoint,
            "https://accounts.zohocloud.ca/oauth/v2/auth"
        );
        assert_eq!(ca.api_base.as_deref(), Some("https://www.zohoapis.ca"));
        assert_eq!(
            flow(r#"{"dataCenter":"us"}"#).unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn comma_scopes_offline_consent() {
        let f = flow("{}").unwrap();
        let scopes = [
            "ZohoCRM.modules.ALL".to_owned(),
            "ZohoCRM.users.READ".to_owned(),
        ];
        let url = f.authorization_request(&scopes, None, &[]).unwrap().url;
        assert!(
            url.contains("&scope=ZohoCRM.modules.ALL%2CZohoCRM.users.READ&"),
            "{url}"
        );
        assert!(url.contains("&access_type=offline&prompt=consent"), "{url}");
        let own = [("prompt".to_owned(), "login".to_owned())];
        let url = f.authorization_request(&scopes, None, &own).unwrap().url;
        assert!(
            url.contains("&access_type=offline&prompt=login") && !url.contains("consent"),
            "params replace the defaults: {url}"
        );
    }

    fn callback(f: &CodeFlow, server: &str) -> Result<Option<String>> {
        let url = append_query(
            "https://app.example/cb",
            &[
                ("code", "C"),
                ("state", "st"),
                ("location", "eu"),
                ("accounts-server", server),
            ],
        );
        let (_, host) = f.callback(&url, "st")?;
        Ok(host.and_then(|i| f.token_host(i)).map(str::to_owned))
    }

    #[test]
    fn accounts_server_from_the_callback_is_checked() {
        let f = flow("{}").unwrap();
        for (named, host) in [
            ("https://accounts.zoho.eu", "https://accounts.zoho.eu"),
            ("https://accounts.zoho.eu/", "https://accounts.zoho.eu"),
            ("https://ACCOUNTS.zoho.in", "https://accounts.zoho.in"),
            (
                "https://accounts.zohocloud.ca",
                "https://accounts.zohocloud.ca",
            ),
        ] {
            assert_eq!(callback(&f, named).unwrap().as_deref(), Some(host));
        }
        for bad in [
            "https://accounts.zoho.eu.evil.example",
            "https://evil.example/accounts.zoho.eu",
            "http://accounts.zoho.eu",
            "https://accounts.zoho.eu:8443",
            "https://accounts.zoho.eu/oauth",
            "",
        ] {
            assert_eq!(
                callback(&f, bad).unwrap_err().code,
                ErrorCode::InvalidCallback,
                "{bad}"
            );
        }
        let url = "https://app.example/cb?code=C&state=st&accounts-server=https%3A%2F%2Faccounts.zoho.eu&accounts-server=https%3A%2F%2Faccounts.zoho.eu";
        assert_eq!(
            f.callback(url, "st").unwrap_err().code,
            ErrorCode::InvalidCallback
        );
        // The exchange goes there, and only to one of Zoho's hosts.
        let req = f
            .exchange_request("C", None, Some("https://accounts.zoho.eu"))
            .unwrap();
        assert_eq!(req.url, "https://accounts.zoho.eu/oauth/v2/token");
        assert_eq!(
            f.exchange_request("C", None, None).unwrap().url,
            f.token_endpoint
        );
        let e = f
            .exchange_request("C", None, Some("https://evil.example"))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        // With `origin`, only that origin.
        let local = flow(r#"{"origin":"http://127.0.0.1:9"}"#).unwrap();
        assert!(callback(&local, "http://127.0.0.1:9").is_ok());
        assert!(callback(&local, "https://accounts.zoho.eu").is_err());
    }

    #[test]
    fn refresh_and_revoke_at_the_data_centre_of_the_set() {
        let f = flow("{}").unwrap();
        let at = |api: Option<&str>| f.refresh_request("rt", api).unwrap().url;
        assert_eq!(
            at(Some("https://www.zohoapis.eu")),
            "https://accounts.zoho.eu/oauth/v2/token"
        );
        assert_eq!(
            at(Some("https://www.zohoapis.jp")),
            "https://accounts.zoho.jp/oauth/v2/token"
        );
        assert_eq!(at(None), "https://accounts.zoho.com/oauth/v2/token");
        assert_eq!(
            at(Some("https://api.example")),
            "https://accounts.zoho.com/oauth/v2/token"
        );
        let revoke = f
            .revoke_request("rt", Some("https://www.zohoapis.in"))
            .unwrap();
        assert_eq!(revoke.url, "https://accounts.zoho.in/oauth/v2/token/revoke");
        assert!(revoke.body.unwrap().starts_with("token=rt&"));
    }

    #[test]
    fn errors_inside_200() {
        let parse = |status, body: &str| {
            let resp = HttpResponse {
                status,
                retry_after: None,
                body: body.into(),
            };
            parse_token_response(&resp, 0.0, &ANSWERS)
        };
        let e = parse(200, r#"{"error":"invalid_code"}"#).unwrap_err();
        assert_eq!(
            (e.code, e.error.as_deref(), e.status),
            (ErrorCode::OauthError, Some("invalid_grant"), Some(200))
        );
        let e = parse(200, r#"{"error":"invalid_client"}"#).unwrap_err();
        assert_eq!(e.error.as_deref(), Some("invalid_client"));
        let e = parse(
            400,
            r#"{"error":"Access Denied","error_description":"You have made too many requests continuously."}"#,
        )
        .unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::RateLimited, Some(400)));
        let ok = parse(
            200,
            r#"{"access_token":"AT","api_domain":"https://www.zohoapis.eu","token_type":"Bearer","expires_in":3600}"#,
        )
        .unwrap();
        assert_eq!(ok.api_base.as_deref(), Some("https://www.zohoapis.eu"));
    }

    #[test]
    fn zoho_oauthtoken_scheme() {
        let f = flow("{}").unwrap();
        let applied = f
            .token_style
            .apply("AT", "https://www.zohoapis.com/crm/v8/users");
        assert_eq!(
            applied.headers,
            vec![("authorization", "Zoho-oauthtoken AT".to_owned())]
        );
    }
}
