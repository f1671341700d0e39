//! Types of option and result objects the generated glue refers to. The
//! provider classes and their options are typed in `pkg-template/index.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/**
 * `new HmacSigner(options)`. Virtuous CRM does not publish its HMAC recipe: these
 * defaults are crm-auth's, not Virtuous's — supply the provider's exact recipe.
 */
export interface HmacSignerOptions {
  /** The shared secret. */
  key: string;
  /** Sent in `keyIdHeader` when given. */
  keyId?: string;
  /** Default `"X-Signature"`. */
  signatureHeader?: string;
  /** Default `"X-Timestamp"` (Unix seconds). */
  timestampHeader?: string;
  /** Default `"X-Key-Id"`. */
  keyIdHeader?: string;
  /** Put before the signature value, e.g. `"HMAC "`. Default `""`. */
  signaturePrefix?: string;
  /** Canonical string parts in order. Default `["method", "path", "timestamp", "body-sha256"]`. */
  components?: ("method" | "path" | "timestamp" | "body-sha256")[];
  /** Joins the parts. Default `"\n"`. */
  separator?: string;
  /** Encoding of the body digest and the signature. Default `"base64"`. */
  encoding?: "base64" | "hex";
}

/** What `HmacSigner.canonicalString` / `signature` sign. */
export interface SignatureInput {
  method: string;
  /** Absolute URL; its path and query are signed. */
  url: string;
  body?: string | Uint8Array;
  /** Unix seconds. */
  timestamp: number;
}

/** `new TokenSet(init)`: tokens obtained elsewhere. */
export interface TokenSetInit {
  accessToken: string;
  tokenType?: string;
  /** Epoch milliseconds. */
  expiresAt?: number | null;
  refreshToken?: string | null;
  scopes?: string[] | null;
}

/** `TokenSet.toJSON()`: tokens redacted. */
export interface TokenSetSummary {
  accessToken: "[redacted]";
  tokenType: string;
  expiresAt: number | null;
  refreshToken: "[redacted]" | null;
  scopes: string[] | null;
}
"#;
