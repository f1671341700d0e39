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

    /// What `kind` asks for the request: 0 the exact string that is
    /// signed, 1 the encoded signature (without prefix), 2 the headers to
    /// set as JSON `[[name, value]…]`. One export for the three: each export
    /// is a shim in the wasm and a wrapper in the glue.
    pub fn sign(&self, kind: u8, method: &str, url: &str, timestamp: f64, body: &[u8]) -> String {
        let (c, timestamp) = (&self.config, timestamp as u64);
        match kind {
            0 => c.canonical_string(method, url, timestamp, body),
            1 => c.signature(method, url, timestamp, body),
            _ => {
                let mut out = String::new();
                pairs(&mut out, &c.headers(method, url, timestamp, body));
                out
            }
        }
    }

    /// The signature header's name (for redacted logging).
    #[wasm_bindgen(getter, js_name = signatureHeader)]
    pub fn signature_header(&self) -> String {
        self.config.signature_header.clone()
    }
}
