//! Where a token or API key goes on an API request: each provider has its
//! own convention, described by a [`Style`] and applied as data.

use super::tenant::{Host, Place};
use crate::core::encode::{append_query, basic_auth, concat};
use crate::core::error::Result;
use crate::core::request::check_header_value;
use crate::core::secret::Secret;
use crate::prelude::*;

/// How a secret is attached to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// `Authorization: <scheme> <secret>` with another scheme (Zoho's
    /// `Zoho-oauthtoken`).
    Scheme(&'static str),
    /// HTTP Basic with a fixed user name and the secret as password
    /// (Flowlu: `bearer:TOKEN`).
    BasicPassword(&'static str),
    /// HTTP Basic with a configured user name (Agile CRM: `email:key`).
    BasicUser(String),
    /// The raw secret in the named header (Flexie: `apikey`).
    Header(&'static str),
    /// The secret as the named query parameter (Flexie `access_token`,
    /// Flowlu `api_key`).
    Query(&'static str),
}

/// A placement plus the headers a provider always wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// Where the secret goes.
    pub placement: Placement,
    /// Sends `Accept: application/json` (Agile CRM answers XML otherwise).
    pub accept_json: bool,
}

impl Style {
    /// The common case: `Authorization: Bearer`.
    pub const BEARER: Style = Style {
        placement: Placement::Bearer,
        accept_json: false,
    };

    /// Whether [`Style::apply`]'s answer depends on the URL (the secret goes
    /// in the query); otherwise one answer per secret serves every URL, and
    /// JS reuses it instead of asking per request (`perUrl` in the answer).
    pub fn per_url(&self) -> bool {
        match self.placement {
            Placement::Query(_) => true,
            Placement::Bearer
            | Placement::Scheme(_)
            | Placement::BasicPassword(_)
            | Placement::BasicUser(_)
            | Placement::Header(_) => false,
        }
    }
}

/// What applying a credential changes on a request.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    /// The new URL when the secret goes in the query, else `None`.
    pub url: Option<String>,
    /// Headers to set (replacing any of the same name).
    pub headers: Vec<(&'static str, String)>,
}

impl Style {
    /// Attaches `secret` to a request for `url`. The secret goes in exactly
    /// one place; the body is never touched.
    pub fn apply(&self, secret: &str, url: &str) -> Applied {
        let mut headers = Vec::new();
        let mut new_url = None;
        match &self.placement {
            Placement::Bearer => headers.push(("authorization", concat(&["Bearer ", secret]))),
            Placement::Scheme(scheme) => {
                headers.push(("authorization", concat(&[scheme, " ", secret])))
            }
            Placement::BasicPassword(user) => {
                headers.push(("authorization", basic_auth(user, secret)))
            }
            Placement::BasicUser(user) => headers.push(("authorization", basic_auth(user, secret))),
            Placement::Header(name) => headers.push((*name, secret.to_owned())),
            Placement::Query(name) => new_url = Some(append_query(url, &[(name, secret)])),
        }
        if self.accept_json {
            headers.push(("accept", "application/json".to_owned()));
        }
        Applied {
            url: new_url,
            headers,
        }
    }
}

/// A static credential (API key) for one provider.
#[derive(Clone, Debug)]
pub struct ApiKey {
    /// Provider name used in errors.
    pub provider: &'static str,
    /// Base URL of the provider's API.
    pub api_base: String,
    /// How the key is attached.
    pub style: Style,
    /// The key itself.
    pub key: Secret,
}

impl ApiKey {
    /// A key for `host` at `place`, attached as `style`; a bad `style` is
    /// reported after a bad tenant.
    pub fn hosted(host: &Host, place: Place, style: Result<Style>, key: &str) -> Result<Self> {
        let origin = host.origin(place.tenant, place.origin)?;
        let style = style?;
        check_header_value(key, "apiKey")?;
        Ok(ApiKey {
            provider: host.name,
            api_base: host.api_base(&origin, place.api_base)?,
            style,
            key: key.into(),
        })
    }

    /// Attaches the key to a request for `url`.
    pub fn apply(&self, url: &str) -> Applied {
        self.style.apply(self.key.expose(), url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_placement_puts_the_secret_in_one_place() {
        let url = "https://h/api?x=1";
        let bearer = Style::BEARER.apply("T", url);
        assert_eq!(
            bearer,
            Applied {
                url: None,
                headers: vec![("authorization", "Bearer T".into())]
            }
        );
        let flowlu = Style {
            placement: Placement::BasicPassword("bearer"),
            accept_json: false,
        }
        .apply("T", url);
        assert_eq!(
            flowlu.headers,
            vec![("authorization", "Basic YmVhcmVyOlQ=".to_owned())]
        );
        let agile = Style {
            placement: Placement::BasicUser("a@b.c".into()),
            accept_json: true,
        }
        .apply("k", url);
        assert_eq!(
            agile.headers,
            vec![
                ("authorization", "Basic YUBiLmM6aw==".to_owned()),
                ("accept", "application/json".to_owned())
            ]
        );
        let query = Style {
            placement: Placement::Query("api_key"),
            accept_json: false,
        }
        .apply("k&=", url);
        assert_eq!(
            query,
            Applied {
                url: Some("https://h/api?x=1&api_key=k%26%3D".into()),
                headers: vec![]
            }
        );
        let header = Style {
            placement: Placement::Header("apikey"),
            accept_json: false,
        }
        .apply("k", url);
        assert_eq!(header.headers, vec![("apikey", "k".to_owned())]);
        let zoho = Style {
            placement: Placement::Scheme("Zoho-oauthtoken"),
            accept_json: false,
        }
        .apply("T", url);
        assert_eq!(
            zoho.headers,
            vec![("authorization", "Zoho-oauthtoken T".to_owned())]
        );
    }
}
