//! Multi-tenant CRMs live at `https://{tenant}.{domain}`; the `origin`
//! option replaces that for sandboxes and tests.

use crate::prelude::*;
use super::code_flow::invalid;
use crate::core::encode::concat;
use crate::core::endpoint::join_origin;
use crate::core::error::Result;

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

    /// The API base below `origin`.
    pub fn api_base(&self, origin: &str) -> Result<String> {
        join_origin(origin, self.api)
    }
}

/// The base origin: `origin` when given, else `https://{label}.{domain}`.
/// The label must be one DNS label, so it cannot smuggle in another host.
pub fn tenant_origin(label: Option<&str>, option: &str, domain: &str, origin: Option<&str>) -> Result<String> {
    if let Some(origin) = origin {
        return Ok(origin.to_owned());
    }
    let label = label.ok_or_else(|| invalid(concat(&["`", option, "` is required (or `origin`)"])))?;
    let valid = !label.is_empty()
        && label.len() <= 63
        && !label.starts_with("-")
        && !label.ends_with("-")
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        return Err(invalid(concat(&["`", option, "` must be a single DNS label like \"acme\""])));
    }
    Ok(concat(&["https://", &label.to_ascii_lowercase(), ".", domain]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_checked() {
        assert_eq!(tenant_origin(Some("Acme"), "company", "flowlu.com", None).unwrap(), "https://acme.flowlu.com");
        assert_eq!(tenant_origin(None, "company", "flowlu.com", Some("http://127.0.0.1:1")).unwrap(), "http://127.0.0.1:1");
        for bad in ["", "evil.com/", "a.b", "-a", "a b", "ü"] {
            assert!(tenant_origin(Some(bad), "company", "flowlu.com", None).is_err(), "{bad}");
        }
        assert!(tenant_origin(None, "company", "flowlu.com", None).is_err());
    }
}
