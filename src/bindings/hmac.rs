//! `HmacSigner`: signs requests with HMAC-SHA256 under a configurable recipe
//! (Virtuous's own recipe is not public: supply it through the options).

use js_sys::{Date, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::Request;

use super::error::to_js;
use super::options::Options;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::hmac::{Encoding, HmacConfig, Part};

const NAME: &str = "hmac";

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// Signs requests with HMAC-SHA256. Defaults: canonical string
/// `METHOD\nPATH?QUERY\nTIMESTAMP\nBASE64(SHA256(BODY))`, headers
/// `X-Timestamp` (Unix seconds), `X-Key-Id` (when `keyId` is given) and
/// `X-Signature` (base64). Every part of that recipe is an option.
#[wasm_bindgen]
pub struct HmacSigner {
    config: HmacConfig,
}

/// `{ method, url, body?, timestamp }` as passed to `canonicalString`/`signature`.
struct Parts {
    method: String,
    url: String,
    body: Vec<u8>,
    timestamp: u64,
}

fn read_parts(value: JsValue) -> Result<Parts> {
    let o = Options::new(value.clone(), "signature input", false)?;
    let body = match Reflect::get(&value, &"body".into()).ok().filter(|b| !b.is_null_or_undefined()) {
        None => Vec::new(),
        Some(b) => match b.as_string() {
            Some(s) => s.into_bytes(),
            None => b.dyn_into::<Uint8Array>().map_err(|_| invalid("`body` must be a string or Uint8Array"))?.to_vec(),
        },
    };
    Ok(Parts {
        method: o.required("method")?,
        url: o.required("url")?,
        body,
        timestamp: o.number("timestamp")?.ok_or_else(|| invalid("`timestamp` is required"))? as u64,
    })
}

fn config(options: JsValue) -> Result<HmacConfig> {
    let o = Options::new(options, "HmacSigner options", false)?;
    let mut c = HmacConfig::new(o.required("key")?.into())?;
    c.key_id = o.string("keyId")?;
    for (field, key) in [
        (&mut c.signature_header, "signatureHeader"),
        (&mut c.timestamp_header, "timestampHeader"),
        (&mut c.key_id_header, "keyIdHeader"),
        (&mut c.signature_prefix, "signaturePrefix"),
        (&mut c.separator, "separator"),
    ] {
        if let Some(v) = o.string(key)? {
            *field = v;
        }
    }
    let parts = o.strings("components")?;
    if !parts.is_empty() {
        c.parts = parts.iter().map(|p| Part::parse(p)).collect::<Result<_>>()?;
    }
    c.encoding = match o.string("encoding")?.as_deref() {
        None | Some("base64") => Encoding::Base64,
        Some("hex") => Encoding::Hex,
        Some(_) => return Err(invalid("encoding must be \"base64\" or \"hex\"")),
    };
    Ok(c)
}

#[wasm_bindgen]
impl HmacSigner {
    /// Validates the recipe; throws `invalid_argument` on a bad one.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "HmacSignerOptions")] options: JsValue,
    ) -> std::result::Result<HmacSigner, JsValue> {
        config(options).map(|config| HmacSigner { config }).map_err(|e| to_js(e, NAME))
    }

    /// The exact string that is signed, for checking a recipe.
    #[wasm_bindgen(js_name = canonicalString)]
    pub fn canonical_string(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignatureInput")] input: JsValue,
    ) -> std::result::Result<String, JsValue> {
        let p = read_parts(input).map_err(|e| to_js(e, NAME))?;
        Ok(self.config.canonical_string(&p.method, &p.url, p.timestamp, &p.body))
    }

    /// The encoded signature (without `signaturePrefix`).
    pub fn signature(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignatureInput")] input: JsValue,
    ) -> std::result::Result<String, JsValue> {
        let p = read_parts(input).map_err(|e| to_js(e, NAME))?;
        Ok(self.config.signature(&p.method, &p.url, p.timestamp, &p.body))
    }

    /// Returns a signed copy of `request` (the body is read from a clone).
    /// `timestamp` (Unix seconds) defaults to now.
    #[wasm_bindgen(unchecked_return_type = "Promise<Request>")]
    pub fn sign(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ timestamp?: number }")] options: Option<Object>,
    ) -> Promise {
        let config = self.config.clone();
        future_to_promise(async move {
            let run = async {
                let timestamp = Options::new(options.map_or(JsValue::UNDEFINED, Into::into), "sign options", true)?
                    .number("timestamp")?
                    .map_or_else(|| (Date::now() / 1000.0).floor(), f64::floor) as u64;
                let original: Request = request.dyn_into().map_err(|_| invalid("request must be a Request"))?;
                let unreadable = || invalid("the request body could not be read (was it already used?)");
                let reading = original.clone().and_then(|c| c.array_buffer()).map_err(|_| unreadable())?;
                let body = Uint8Array::new(&JsFuture::from(reading).await.map_err(|_| unreadable())?).to_vec();
                let signed = original.clone().map_err(|_| unreadable())?;
                for (name, value) in config.headers(&original.method(), &original.url(), timestamp, &body) {
                    signed.headers().set(name, &value).map_err(|_| invalid("the request's headers are immutable"))?;
                }
                Ok(JsValue::from(signed))
            };
            run.await.map_err(|e| to_js(e, NAME))
        })
    }

    /// A redacted one-line description, safe to log.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_display(&self) -> String {
        format!("HmacSigner {{ signatureHeader: {}, key: [redacted] }}", self.config.signature_header)
    }

    /// A redacted view, safe to log.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ signatureHeader: string; key: \"[redacted]\" }")]
    pub fn to_json(&self) -> JsValue {
        let o = Object::new();
        let _ = Reflect::set(&o, &"signatureHeader".into(), &self.config.signature_header.as_str().into());
        let _ = Reflect::set(&o, &"key".into(), &"[redacted]".into());
        o.into()
    }
}
