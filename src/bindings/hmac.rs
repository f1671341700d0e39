//! `HmacCore`: the configurable HMAC-SHA256 signer behind the string ABI
//! (the JS layer reads request bodies, which is asynchronous).

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::abi::{pairs, run, Options};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::hmac::{Encoding, HmacConfig, Part};
use crate::core::request::check_header_value;

const NAME: &str = "hmac";

fn config(options: &str) -> Result<HmacConfig> {
    let o = Options::parse(options, "HmacSigner options", false)?;
    let mut c = HmacConfig::new(o.required("key")?.into())?;
    if let Some(id) = o.str("keyId")? {
        check_header_value(id, "keyId")?;
        c.key_id = Some(id.to_owned());
    }
    for (field, key) in [
        (&mut c.signature_header, "signatureHeader"),
        (&mut c.timestamp_header, "timestampHeader"),
        (&mut c.key_id_header, "keyIdHeader"),
        (&mut c.signature_prefix, "signaturePrefix"),
        (&mut c.separator, "separator"),
    ] {
        if let Some(v) = o.str(key)? {
            *field = v.to_owned();
        }
    }
    let parts = o.strings("components")?;
    if !parts.is_empty() {
        // A loop, not `collect::<Result<_>>` (a GenericShunt per use).
        c.parts.clear();
        for p in &parts {
            c.parts.push(Part::parse(p)?);
        }
    }
    c.encoding = match o.str("encoding")? {
        None | Some("base64") => Encoding::Base64,
        Some("hex") => Encoding::Hex,
        Some(_) => {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "encoding must be \"base64\" or \"hex\"",
            ))
        }
    };
    Ok(c)
}

/// A signer with its recipe.
#[wasm_bindgen(skip_typescript)]
pub struct HmacCore {
    config: HmacConfig,
}

#[wasm_bindgen]
impl HmacCore {
    /// `options` as JSON; throws `invalid_argument` on a bad recipe.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> core::result::Result<HmacCore, String> {
        run(NAME, || {
            Ok(HmacCore {
                config: config(options)?,
            })
        })
    }

    /// The exact string that is signed.
    #[wasm_bindgen(js_name = canonicalString)]
    pub fn canonical_string(&self, method: &str, url: &str, timestamp: f64, body: &[u8]) -> String {
        self.config
            .canonical_string(method, url, timestamp as u64, body)
    }

    /// The encoded signature (without prefix).
    pub fn signature(&self, method: &str, url: &str, timestamp: f64, body: &[u8]) -> String {
        self.config.signature(method, url, timestamp as u64, body)
    }

    /// The headers to set, as JSON `[[name, value]…]`.
    pub fn headers(&self, method: &str, url: &str, timestamp: f64, body: &[u8]) -> String {
        let mut out = String::new();
        pairs(
            &mut out,
            &self.config.headers(method, url, timestamp as u64, body),
        );
        out
    }

    /// The signature header's name (for redacted logging).
    #[wasm_bindgen(getter, js_name = signatureHeader)]
    pub fn signature_header(&self) -> String {
        self.config.signature_header.clone()
    }
}
