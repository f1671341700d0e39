//! The OAuth 2.0 authorization-code flow (RFC 6749 §4.1 + PKCE, RFC 7636),
//! as pure data: every provider with a code flow is a [`CodeFlow`] value.

use crate::prelude::*;
use alloc::borrow::Cow;

use crate::core::callback::{self, Issuer};
use crate::core::encode::{append_query, concat, find_byte, head, join};
use crate::core::endpoint::{self, check_endpoint, join_origin};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::options::Options;
use crate::core::pkce;
use crate::core::random;
use crate::core::request::{self, check_header_value, Client, ClientAuth, HttpRequest};
use crate::core::secret::Secret;
use crate::core::token::Answers;

use super::credential::{Placement, Style};
use super::tenant::{Host, Place};
use super::Provider;

/// `entry`'s code flow from constructor options (`clientId`, `clientSecret`,
/// `redirectUri`, `issuer`, `scopes`, `dangerouslyAllowBrowser` and the
/// provider's own), after the client-secret guard; `in_browser`: whether
/// this runs in a page. The bindings and the Rust client both build here.
#[inline(always)]
pub fn from_options(entry: &Provider, o: &Options, in_browser: bool) -> Result<CodeFlow> {
    let build = entry.code_flow.ok_or_else(|| invalid("unknown provider"))?;
    let client_secret = o.secret("clientSecret")?;
    guard_secret(
        client_secret,
        in_browser,
        o.bool("dangerouslyAllowBrowser")?,
    )?;
    let scopes = o.strings("scopes")?;
    let registration = Registration {
        client_id: o.required("clientId")?,
        client_secret,
        redirect_uri: o.required("redirectUri")?,
        issuer: o.str("issuer")?,
        scopes: &scopes,
    };
    build(o, registration)
}

/// The password grant of `flow` from `{username, password, scopes?}`, where
/// its registry entry allows one (`OAuth2.login`).
#[inline(always)]
pub fn password_grant(flow: &CodeFlow, o: &Options) -> Result<HttpRequest> {
    if !super::find(flow.provider).is_some_and(|p| p.code_flow_password_grant) {
        return Err(Error::new(
            ErrorCode::Unsupported,
            "this provider has no password grant",
        ));
    }
    flow.password_request(
        o.required("username")?,
        o.required("password")?,
        &o.strings("scopes")?,
    )
}

/// Refuses a client secret in a browser page unless the caller opted in
/// (`dangerouslyAllowBrowser`).
pub fn guard_secret(secret: Option<&str>, in_browser: bool, allowed: Option<bool>) -> Result<()> {
    if secret.is_some() && in_browser && allowed != Some(true) {
        return Err(Error::new(
            ErrorCode::SecretInBrowser,
            "a clientSecret must not be shipped to a browser; exchange codes on a server \
             (or pass dangerouslyAllowBrowser: true)",
        ));
    }
    Ok(())
}

/// Parameters the flow sets itself; callers may not override them.
const RESERVED: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
];

/// A configured authorization-code client for one provider.
#[derive(Clone, Debug)]
pub struct CodeFlow {
    /// Provider name used in errors (`"flextell"`, `"oauth2"`, …).
    pub provider: &'static str,
    /// Where the user is sent to log in.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens are exchanged.
    pub token_endpoint: String,
    /// RFC 7009 endpoint, when the provider has one.
    pub revocation_endpoint: Option<String>,
    /// The configured `iss` (RFC 9207), matched exactly; without one, a
    /// callback's `iss` must name the authorization endpoint's server (its
    /// origin, or a realm path on it).
    pub issuer: Option<String>,
    /// Client identity and authentication method.
    pub client: Client,
    /// The registered redirect URI, sent verbatim.
    pub redirect_uri: String,
    /// How access tokens are attached to API requests.
    pub token_style: Style,
    /// How its token answers depart from RFC 6749 (set by the provider).
    pub answers: &'static Answers,
    /// Base URL of the provider's API (paths of `Session.fetch` are joined
    /// to it), when known.
    pub api_base: Option<String>,
    /// Scopes requested when a call names none (the `scopes` option).
    pub default_scopes: Vec<String>,
    /// The provider's docs require `scope` on the authorize request.
    pub scope_required: bool,
    /// How scopes are joined on the authorize request (`" "`; Zoho `","`);
    /// empty: the provider takes no `scope` parameter (Pipedrive sets scopes
    /// on the app), and naming scopes is `invalid_argument`.
    pub scope_separator: &'static str,
    /// The provider takes PKCE: `createAuthorizationRequest` sends it unless
    /// told not to; without it, asking for PKCE is `invalid_argument`.
    pub pkce: bool,
    /// Fixed authorize parameters the provider wants (Zoho's
    /// `access_type=offline`); the caller's `params` replace them.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// Whether it takes the client-credentials grant with these settings.
    pub client_credentials: ClientCredentials,
    /// Token hosts chosen per grant (Zoho's data centres), when the
    /// provider has them; `token_endpoint` and `revocation_endpoint` are
    /// then the default host's.
    pub token_hosts: Option<TokenHosts>,
}

/// A provider whose callback names the token host of the grant (Zoho's
/// `accounts-server`): only one of its own hosts is ever used, so a code,
/// secret or refresh token never goes to a host a URL parameter names.
#[derive(Clone, Debug)]
pub struct TokenHosts {
    /// The callback parameter naming the host.
    pub param: &'static str,
    /// Each host's origin and the API base its grants name (a refresh or
    /// revocation of a set goes to the host of its `apiBase`); the first is
    /// the default.
    pub hosts: Vec<(String, String)>,
    /// Token path below a host.
    pub token: &'static str,
    /// Revocation path below a host.
    pub revoke: &'static str,
}

impl TokenHosts {
    /// The index of the host `named` (one trailing `/` and the case of
    /// scheme and host aside), if it is one of them.
    pub fn find(&self, named: &str) -> Option<usize> {
        let named = named.strip_suffix("/").unwrap_or(named);
        self.hosts
            .iter()
            .position(|(origin, _)| origin.eq_ignore_ascii_case(named))
    }

    /// The host whose grants name `api_base`, else the default.
    fn for_api_base(&self, api_base: Option<&str>) -> &str {
        let found = api_base.and_then(|base| {
            self.hosts
                .iter()
                .find(|(_, api)| api.eq_ignore_ascii_case(base))
        });
        found
            .or(self.hosts.first())
            .map_or("", |(origin, _)| origin)
    }
}

/// Whether a flow takes the client-credentials grant (RFC 6749 §4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientCredentials {
    /// The provider has no such grant.
    Unsupported,
    /// The provider has it, but not with these settings: why not.
    Refused(&'static str),
    /// Available (with a client secret).
    Allowed,
}

/// The registration the providers' unit tests build their flows with.
#[cfg(test)]
pub(crate) const TEST_REGISTRATION: Registration<'static> = Registration {
    client_id: "c",
    client_secret: Some("s"),
    redirect_uri: "https://app.example/cb",
    issuer: None,
    scopes: &[],
};

/// A provider's code flow from `options` (JSON) and [`TEST_REGISTRATION`].
#[cfg(test)]
pub(crate) fn test_flow(
    build: fn(&Options, Registration) -> Result<CodeFlow>,
    options: &str,
) -> Result<CodeFlow> {
    build(
        &Options::parse(options, "options", false)?,
        TEST_REGISTRATION,
    )
}

/// Asserts a flow's authorize, token and revocation endpoints and API base.
#[cfg(test)]
pub(crate) fn assert_urls(
    f: &CodeFlow,
    authorize: &str,
    token: &str,
    revoke: Option<&str>,
    api_base: Option<&str>,
) {
    assert_eq!(f.authorization_endpoint, authorize);
    assert_eq!(f.token_endpoint, token);
    assert_eq!(f.revocation_endpoint.as_deref(), revoke);
    assert_eq!(f.api_base.as_deref(), api_base);
}

/// What the app registered with the provider: the same settings for
/// every authorization-code provider, borrowed from the caller's options
/// (copied once the flow is valid).
#[derive(Clone, Copy, Debug)]
pub struct Registration<'a> {
    /// OAuth client id.
    pub client_id: &'a str,
    /// OAuth client secret (servers only).
    pub client_secret: Option<&'a str>,
    /// Registered redirect URI, sent verbatim (providers match it exactly).
    pub redirect_uri: &'a str,
    /// Expected `iss` on callbacks, matched exactly; without it, the
    /// authorization endpoint's origin or a realm path on it.
    pub issuer: Option<&'a str>,
    /// Scopes requested when `createAuthorizationRequest` names none.
    pub scopes: &'a [String],
}

/// A provider's OAuth endpoints and API base.
#[derive(Clone, Debug)]
pub struct Endpoints {
    /// Where the user is sent to log in.
    pub authorization: String,
    /// Where codes and refresh tokens are exchanged.
    pub token: String,
    /// RFC 7009 endpoint, when the provider has one.
    pub revocation: Option<String>,
    /// Base URL of the provider's API, when known.
    pub api: Option<String>,
}

impl Endpoints {
    /// The endpoints at `origin`'s `authorize`, `token` and `revoke` paths,
    /// without an API base yet. Out of line: one copy of the joins and
    /// their error paths for every provider.
    #[inline(never)]
    pub fn at(origin: &str, authorize: &str, token: &str, revoke: Option<&str>) -> Result<Self> {
        Ok(Endpoints {
            authorization: join_origin(origin, authorize)?,
            token: join_origin(origin, token)?,
            revocation: match revoke {
                Some(path) => Some(join_origin(origin, path)?),
                None => None,
            },
            api: None,
        })
    }
}

/// What `createAuthorizationRequest` hands back: keep `state` and the
/// verifier until the callback arrives.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The URL to send the user to.
    pub url: String,
    /// The CSRF state to compare on callback.
    pub state: String,
    /// The PKCE verifier, when PKCE is on.
    pub code_verifier: Option<Secret>,
}

/// A hosted CRM's code flow: where it lives and its OAuth paths below that
/// origin (no revocation endpoint).
#[derive(Debug)]
pub struct HostedFlow {
    /// Name, production origin and API path.
    pub host: Host,
    /// Authorize path.
    pub authorize: &'static str,
    /// Token path.
    pub token: &'static str,
    /// Sends `Accept: application/json` with tokens (Agile CRM).
    pub accept_json: bool,
    /// The provider's docs require `scope` on the authorize request.
    pub scope_required: bool,
    /// How its token answers depart from RFC 6749.
    pub answers: &'static Answers,
}

impl HostedFlow {
    /// The flow for `registration` at `place`, tokens placed as `placement`
    /// (a bad one is reported after a bad tenant).
    pub fn code_flow(
        &self,
        place: Place,
        placement: Result<Placement>,
        registration: Registration,
    ) -> Result<CodeFlow> {
        let origin = self.host.origin(place.tenant, place.origin)?;
        let placement = placement?;
        let mut endpoints = Endpoints::at(&origin, self.authorize, self.token, None)?;
        endpoints.api = Some(self.host.api_base(&origin, place.api_base)?);
        let style = Style {
            placement,
            accept_json: self.accept_json,
        };
        let mut flow = CodeFlow::registered(
            self.host.name,
            endpoints,
            registration,
            ClientAuth::SecretPost,
            style,
        )?;
        flow.scope_required = self.scope_required;
        flow.answers = self.answers;
        Ok(flow)
    }
}

impl CodeFlow {
    /// A flow for `registration`, authenticating the client with `auth` and
    /// sending tokens as `token_style`. Validates endpoints and client
    /// settings; `issuer` defaults to the authorization endpoint's origin.
    pub fn registered(
        provider: &'static str,
        endpoints: Endpoints,
        registration: Registration,
        auth: ClientAuth,
        token_style: Style,
    ) -> Result<Self> {
        let Endpoints {
            authorization: authorization_endpoint,
            token: token_endpoint,
            revocation: revocation_endpoint,
            api: api_base,
        } = endpoints;
        let Registration {
            client_id,
            client_secret,
            redirect_uri,
            issuer,
            scopes,
        } = registration;
        check_endpoint(&authorization_endpoint)?;
        check_endpoint(&token_endpoint)?;
        for url in revocation_endpoint.iter().chain(&api_base) {
            check_endpoint(url)?;
        }
        if client_id.is_empty() {
            return Err(invalid("clientId must not be empty"));
        }
        // It goes in a Basic header with client_secret_basic.
        check_header_value(client_id, "clientId")?;
        check_redirect_uri(redirect_uri)?;
        Ok(CodeFlow {
            provider,
            authorization_endpoint,
            token_endpoint,
            revocation_endpoint,
            issuer: issuer.map(str::to_owned),
            client: Client {
                client_id: client_id.to_owned(),
                client_secret: client_secret.map(Secret::from),
                auth,
            },
            redirect_uri: redirect_uri.to_owned(),
            token_style,
            answers: &Answers::STANDARD,
            api_base,
            default_scopes: scopes.to_vec(),
            scope_required: false,
            scope_separator: " ",
            pkce: true,
            authorize_params: &[],
            token_hosts: None,
            client_credentials: ClientCredentials::Unsupported,
        })
    }

    /// Builds the authorize URL with a fresh state and, when `pkce` (by
    /// default when the provider takes it), an S256 challenge.
    pub fn authorization_request(
        &self,
        scopes: &[String],
        pkce: Option<bool>,
        params: &[(String, String)],
    ) -> Result<AuthorizationRequest> {
        if let Some((name, _)) = params.iter().find(|(k, _)| RESERVED.contains(&k.as_str())) {
            return Err(invalid(concat(&["params may not set `", name, "`"])));
        }
        let scopes = if scopes.is_empty() {
            &self.default_scopes
        } else {
            scopes
        };
        if scopes.is_empty() && self.scope_required {
            return Err(invalid(concat(&[
                self.provider,
                " requires scopes: pass `scopes` to createAuthorizationRequest or to the constructor",
            ])));
        }
        if !scopes.is_empty() && self.scope_separator.is_empty() {
            return Err(invalid(concat(&[
                self.provider,
                " takes no scopes on the authorization request (they are set on the app)",
            ])));
        }
        if pkce == Some(true) && !self.pkce {
            return Err(invalid(concat(&[self.provider, " does not take PKCE"])));
        }
        let pkce = pkce.unwrap_or(self.pkce);
        let state = random::token()?;
        let (challenge, code_verifier) = if pkce {
            let p = pkce::generate()?;
            (Some(p.challenge), Some(p.verifier))
        } else {
            (None, None)
        };
        let scope = join(scopes, self.scope_separator);
        let mut query: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", &self.client.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("state", &state),
        ];
        if !scope.is_empty() {
            query.push(("scope", &scope));
        }
        if let Some(challenge) = &challenge {
            query.push(("code_challenge", challenge));
            query.push(("code_challenge_method", "S256"));
        }
        for (k, v) in self.authorize_params {
            if !params.iter().any(|(name, _)| name == k) {
                query.push((k, v));
            }
        }
        for (k, v) in params {
            query.push((k, v));
        }
        let url = append_query(&self.authorization_endpoint, &query);
        Ok(AuthorizationRequest {
            url,
            state,
            code_verifier,
        })
    }

    /// Parses the redirect back from the provider and checks state and
    /// `iss`: the code, borrowed from `url` where it needed no decoding.
    pub fn callback_code<'a>(&self, url: &'a str, expected_state: &str) -> Result<Cow<'a, str>> {
        self.callback(url, expected_state).map(|(code, _)| code)
    }

    /// [`CodeFlow::callback_code`], plus the index of the token host the
    /// callback named, for providers with [`TokenHosts`]: one that is not
    /// theirs is `invalid_callback`.
    pub fn callback<'a>(
        &self,
        url: &'a str,
        expected_state: &str,
    ) -> Result<(Cow<'a, str>, Option<usize>)> {
        let issuer = match &self.issuer {
            Some(configured) => Issuer::Exact(configured),
            None => Issuer::OfEndpoint(&self.authorization_endpoint),
        };
        let hosts = self.token_hosts.as_ref();
        let (code, named) =
            callback::callback_params(url, expected_state, issuer, hosts.map(|h| h.param))?;
        let host = match (hosts, named) {
            (Some(hosts), Some(named)) => Some(hosts.find(&named).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidCallback,
                    "callback names a token host that is not one of the provider's",
                )
            })?),
            _ => None,
        };
        Ok((code, host))
    }

    /// The token host at `index` of [`CodeFlow::callback`].
    pub fn token_host(&self, index: usize) -> Option<&str> {
        let hosts = self.token_hosts.as_ref()?;
        hosts.hosts.get(index).map(|(origin, _)| origin.as_str())
    }

    /// The endpoint at `path` of the token host a callback named (checked
    /// again: it came back through the caller), else `default`.
    fn at_named_host(&self, named: Option<&str>, default: &str) -> Result<String> {
        let Some(named) = named else {
            return Ok(default.to_owned());
        };
        let hosts = self
            .token_hosts
            .as_ref()
            .ok_or_else(|| invalid(concat(&[self.provider, " takes no accountsServer"])))?;
        let i = hosts
            .find(named)
            .ok_or_else(|| invalid("accountsServer is not one of the provider's token hosts"))?;
        join_origin(&hosts.hosts[i].0, hosts.token)
    }

    /// `path` at the token host of the set whose API base is `api_base`
    /// (providers with [`TokenHosts`]), else `default`.
    fn at_host_of(
        &self,
        api_base: Option<&str>,
        path: fn(&TokenHosts) -> &str,
        default: &str,
    ) -> Result<String> {
        match &self.token_hosts {
            Some(hosts) => join_origin(hosts.for_api_base(api_base), path(hosts)),
            None => Ok(default.to_owned()),
        }
    }

    /// The token request for an authorization code, at the token host the
    /// callback named (`accounts_server`), else the default one.
    pub fn exchange_request(
        &self,
        code: &str,
        code_verifier: Option<&str>,
        accounts_server: Option<&str>,
    ) -> Result<HttpRequest> {
        if code.is_empty() {
            return Err(invalid("code must not be empty"));
        }
        if let Some(v) = code_verifier {
            if !pkce::is_valid_verifier(v) {
                return Err(invalid("codeVerifier must be 43-128 unreserved characters"));
            }
        }
        Ok(request::code_grant(
            &self.at_named_host(accounts_server, &self.token_endpoint)?,
            &self.client,
            code,
            &self.redirect_uri,
            code_verifier,
        ))
    }

    /// A resource-owner password grant with this client (RFC 6749 §4.3).
    pub fn password_request(
        &self,
        username: &str,
        password: &str,
        scopes: &[String],
    ) -> Result<HttpRequest> {
        if username.is_empty() || password.is_empty() {
            return Err(invalid("username and password must not be empty"));
        }
        let scope = join(scopes, " ");
        let extra: &[(&str, &str)] = if scope.is_empty() {
            &[]
        } else {
            &[("scope", &scope)]
        };
        Ok(request::password_grant(
            &self.token_endpoint,
            Some(&self.client),
            username,
            password,
            extra,
        ))
    }

    /// A client-credentials grant (RFC 6749 §4.4) for `scopes` (space-separated;
    /// none sent when empty), where the provider and these settings allow it.
    pub fn client_credentials_request(&self, scopes: &[String]) -> Result<HttpRequest> {
        match self.client_credentials {
            ClientCredentials::Unsupported => Err(Error::new(
                ErrorCode::Unsupported,
                concat(&[self.provider, " has no client-credentials grant"]),
            )),
            ClientCredentials::Refused(why) => Err(invalid(why)),
            ClientCredentials::Allowed if self.client.client_secret.is_none() => {
                Err(invalid("the client-credentials grant needs a clientSecret"))
            }
            ClientCredentials::Allowed => {
                let scope = join(scopes, " ");
                let mut params = vec![("grant_type", "client_credentials")];
                if !scope.is_empty() {
                    params.push(("scope", &scope));
                }
                Ok(request::token_request(
                    &self.token_endpoint,
                    Some(&self.client),
                    &params,
                ))
            }
        }
    }

    /// The token request for a refresh; `api_base` is the refreshed set's
    /// (the answer may not repeat it), checked here.
    pub fn refresh_request(
        &self,
        refresh_token: &str,
        api_base: Option<&str>,
    ) -> Result<HttpRequest> {
        check_token(refresh_token, "refreshToken")?;
        if let Some(base) = api_base {
            endpoint::api_base(base)?;
        }
        Ok(request::refresh_grant(
            &self.at_host_of(api_base, |h| h.token, &self.token_endpoint)?,
            Some(&self.client),
            refresh_token,
        ))
    }

    /// The RFC 7009 revocation request (at the token host of the set whose
    /// API base is `api_base`, for providers with [`TokenHosts`]), or
    /// `unsupported` when the provider has no revocation endpoint (nothing
    /// is sent then).
    pub fn revoke_request(&self, token: &str, api_base: Option<&str>) -> Result<HttpRequest> {
        let Some(endpoint) = &self.revocation_endpoint else {
            return Err(Error::new(
                ErrorCode::Unsupported,
                concat(&[self.provider, " has no token revocation endpoint"]),
            ));
        };
        check_token(token, "token")?;
        let endpoint = self.at_host_of(api_base, |h| h.revoke, endpoint)?;
        Ok(request::revoke_request(&endpoint, &self.client, token))
    }
}

/// Redirect URIs on http(s) follow the endpoint rules (no plain http off
/// loopback); private-use schemes of native apps (`com.example:/cb`) pass.
fn check_redirect_uri(uri: &str) -> Result<()> {
    let scheme = head(uri, b":").to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" => check_endpoint(uri),
        _ if find_byte(uri, b":").is_some()
            && !uri.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(())
        }
        _ => Err(invalid("redirectUri must be an absolute URI")),
    }
}

/// A token handed in by the caller: non-empty and header-safe, like every
/// token this library hands out.
pub fn check_token(token: &str, what: &str) -> Result<()> {
    if token.is_empty() {
        return Err(invalid(concat(&[what, " must not be empty"])));
    }
    check_header_value(token, what)
}

/// Shorthand for an `invalid_argument` error.
pub fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::oauth2::{code_flow, OAuth2Config};

    const KEYCLOAK: &str = "https://id.example/realms/acme/protocol/openid-connect";

    fn keycloak(issuer: Option<&str>) -> CodeFlow {
        let auth = concat(&[KEYCLOAK, "/auth"]);
        let token = concat(&[KEYCLOAK, "/token"]);
        let registration = Registration {
            client_id: "c",
            client_secret: None,
            redirect_uri: "https://app.example/cb",
            issuer,
            scopes: &[],
        };
        let config = OAuth2Config {
            authorization_endpoint: &auth,
            token_endpoint: &token,
            revocation_endpoint: None,
            registration,
            client_auth: None,
            api_base: None,
        };
        code_flow(config).unwrap()
    }

    fn callback(flow: &CodeFlow, iss: &str) -> core::result::Result<String, ErrorCode> {
        let url = append_query(
            "https://app.example/cb",
            &[("code", "x"), ("state", "st"), ("iss", iss)],
        );
        flow.callback_code(&url, "st")
            .map(Cow::into_owned)
            .map_err(|e| e.code)
    }

    #[test]
    fn realm_issuer_without_the_option() {
        let flow = keycloak(None);
        for iss in [
            "https://id.example/realms/acme",
            "https://id.example",
            "https://id.example/realms/acme/",
        ] {
            assert_eq!(callback(&flow, iss), Ok("x".to_owned()), "{iss}");
        }
        for iss in [
            "https://id.example/realms/ac",
            "https://id.example/realms/other",
            "https://evil.example/realms/acme",
            "https://id.example/realms/x/../acme",
        ] {
            assert_eq!(
                callback(&flow, iss),
                Err(ErrorCode::InvalidCallback),
                "{iss}"
            );
        }
    }

    #[test]
    fn configured_issuer_is_exact() {
        let flow = keycloak(Some("https://id.example/realms/acme"));
        assert!(callback(&flow, "https://id.example/realms/acme").is_ok());
        for iss in [
            "https://id.example",
            "https://id.example/realms/acme/",
            "https://id.example/realms",
        ] {
            assert_eq!(
                callback(&flow, iss),
                Err(ErrorCode::InvalidCallback),
                "{iss}"
            );
        }
    }

    #[test]
    fn header_unsafe_client_ids_and_tokens() {
        let registration = Registration {
            client_id: "c\r\nx",
            client_secret: None,
            redirect_uri: "https://app.example/cb",
            issuer: None,
            scopes: &[],
        };
        let config = OAuth2Config {
            authorization_endpoint: "https://as.example/a",
            token_endpoint: "https://as.example/t",
            revocation_endpoint: Some("https://as.example/r"),
            registration,
            client_auth: None,
            api_base: None,
        };
        assert_eq!(
            code_flow(config).unwrap_err().code,
            ErrorCode::InvalidArgument
        );
        let flow = code_flow(OAuth2Config {
            registration: Registration {
                client_id: "c",
                ..registration
            },
            ..config
        })
        .unwrap();
        for bad in ["SECRET\n", "SECRET\0", "SECRÉT"] {
            let e = flow.refresh_request(bad, None).unwrap_err();
            assert!(
                e.code == ErrorCode::InvalidArgument && !e.message.contains("SECR"),
                "{}",
                e.message
            );
            assert_eq!(
                flow.revoke_request(bad, None).unwrap_err().code,
                ErrorCode::InvalidArgument
            );
        }
        assert!(flow.revoke_request("ok-token", None).is_ok());
    }
}
