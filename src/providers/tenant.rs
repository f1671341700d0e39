//! Multi-tenant CRMs live at `https://{tenant}.{domain}`; the `origin`
//! option replaces that for sandboxes and tests.

use crate::prelude::*;
use super::code_flow::invalid;
use crate::core::encode::concat;
use crate::core::error::Result;

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
