//! Multi-tenant CRMs live at `https://{tenant}.{domain}`; the `origin`
//! option replaces that for sandboxes and tests.

use super::code_flow::invalid;
use crate::core::encode::concat;
use crate::core::endpoint::{self, join_origin};
use crate::core::error::Result;
use crate::core::options::Options;
use crate::prelude::*;

/// Where a hosted CRM lives, as data: the wasm's constructors then share one
/// origin/API path instead of a copy per provider.
#[derive(Debug)]
pub struct Host {
    /// Provider name used in errors.
    pub name: &'static str,
    /// Its production origin.
    pub home: Home,
    /// API base path below the origin.
    pub api: &'static str,
}

/// Where a hosted flow or key is built: the tenant, and the `origin` and `apiBase`
/// overrides.
#[derive(Clone, Copy, Debug, Default)]
pub struct Place<'a> {
    /// The tenant label (`subdomain`, `domain`), for multi-tenant CRMs.
    pub tenant: Option<&'a str>,
    /// Replaces the production origin.
    pub origin: Option<&'a str>,
    /// Replaces the API base (a full URL).
    pub api_base: Option<&'a str>,
}

/// A CRM's production origin.
#[derive(Debug)]
pub enum Home {
    /// `https://{tenant}.{domain}`: the option naming the tenant, and the domain.
    Tenant(&'static str, &'static str),
    /// One origin for everyone.
    Fixed(&'static str),
}

impl Host {
    /// The option naming the tenant, if the CRM has tenants.
    pub fn tenant_option(&self) -> Option<&'static str> {
        match self.home {
            Home::Tenant(option, _) => Some(option),
            Home::Fixed(_) => None,
        }
    }

    /// The base origin: `origin` when given, else the tenant's or the fixed one.
    pub fn origin(&self, tenant: Option<&str>, origin: Option<&str>) -> Result<String> {
        match self.home {
            Home::Tenant(option, domain) => tenant_origin(tenant, option, domain, origin),
            Home::Fixed(fixed) => Ok(origin.unwrap_or(fixed).to_owned()),
        }
    }

    /// The API base: `custom` (the `apiBase` option) when given, else the
    /// provider's API path below `origin` (an empty path: the origin itself,
    /// as HubSpot's API lives at `https://api.hubapi.com`).
    pub fn api_base(&self, origin: &str, custom: Option<&str>) -> Result<String> {
        match custom {
            Some(url) => api_base(url),
            None if self.api.is_empty() => join_origin(origin, "").and_then(|o| api_base(&o)),
            None => join_origin(origin, self.api),
        }
    }
}

/// A caller's `apiBase`: a full https (or loopback http) URL without query
/// or fragment; one trailing `/` is dropped, as `Session.fetch` appends
/// paths that start with `/`.
pub fn api_base(url: &str) -> Result<String> {
    endpoint::api_base(url).map(str::to_owned)
}

/// The base origin: `origin` when given, else `https://{label}.{domain}`.
/// The label must be one DNS label, so it cannot smuggle in another host.
pub fn tenant_origin(
    label: Option<&str>,
    option: &str,
    domain: &str,
    origin: Option<&str>,
) -> Result<String> {
    if let Some(origin) = origin {
        return Ok(origin.to_owned());
    }
    let label =
        label.ok_or_else(|| invalid(concat(&["`", option, "` is required (or `origin`)"])))?;
    let valid = !label.is_empty()
        && label.len() <= 63
        && !label.starts_with("-")
        && !label.ends_with("-")
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        return Err(invalid(concat(&[
            "`",
            option,
            "` must be a single DNS label like \"acme\"",
        ])));
    }
    Ok(concat(&[
        "https://",
        &label.to_ascii_lowercase(),
        ".",
        domain,
    ]))
}

impl Host {
    /// Where a hosted provider or key is built, from its options: the tenant
    /// option (if it has tenants), `origin` and `apiBase`.
    pub fn place<'o>(&self, o: &'o Options) -> Result<Place<'o>> {
        let tenant = match self.tenant_option() {
            Some(key) => o.str(key)?,
            None => None,
        };
        Ok(Place {
            tenant,
            origin: o.str("origin")?,
            api_base: o.str("apiBase")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn labels_are_checked() {
        assert_eq!(
            tenant_origin(Some("Acme"), "company", "flowlu.com", None).unwrap(),
            "https://acme.flowlu.com"
        );
        assert_eq!(
            tenant_origin(None, "company", "flowlu.com", Some("http://127.0.0.1:1")).unwrap(),
            "http://127.0.0.1:1"
        );
        for bad in ["", "evil.com/", "a.b", "-a", "a b", "ü"] {
            assert!(
                tenant_origin(Some(bad), "company", "flowlu.com", None).is_err(),
                "{bad}"
            );
        }
        assert!(tenant_origin(None, "company", "flowlu.com", None).is_err());
    }

    #[test]
    fn api_base_option() {
        assert_eq!(
            api_base("https://h/api/v0.0.1/").unwrap(),
            "https://h/api/v0.0.1"
        );
        assert_eq!(
            api_base("http://127.0.0.1:9/api").unwrap(),
            "http://127.0.0.1:9/api"
        );
        assert_eq!(
            api_base("http://h/api").unwrap_err().code,
            ErrorCode::InsecureEndpoint
        );
        for bad in [
            "/api/v1",
            "h/api",
            "https://h/api?x=1",
            "https://h/api#f",
            "ftp://h/api",
        ] {
            assert_eq!(
                api_base(bad).unwrap_err().code,
                ErrorCode::InvalidArgument,
                "{bad}"
            );
        }
    }
}
