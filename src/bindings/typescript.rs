//! Types of the option and result objects, emitted into the `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { CrmAuthError } from "./errors.js";

/** Options every provider accepts. */
export interface CommonOptions {
  /** Expected `iss` on callbacks (RFC 9207); defaults to the authorization endpoint's origin. */
  issuer?: string;
  /** Bound on each request, headers and body (default 30000). */
  timeoutMs?: number;
  /** A `fetch(url, init)` to use instead of the global one. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Allow a `clientSecret` in a browser page (it will be visible to users). */
  dangerouslyAllowBrowser?: boolean;
}

/** `new Flextell(options)`. */
export interface FlextellOptions extends CommonOptions {
  clientId: string;
  /** Servers only: refused in a browser page (`secret_in_browser`). */
  clientSecret?: string;
  /** Must match the registered redirect URI exactly. */
  redirectUri: string;
  /** Replaces scheme, host and port of `https://dev.flextell.ai` (sandboxes, tests). */
  origin?: string;
}

/** `new Flexie(options)`: authorization code on `https://{subdomain}.flexie.io`. */
export interface FlexieOptions extends CommonOptions {
  /** `acme` in `acme.flexie.io` (not needed with `origin`). */
  subdomain?: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  /** Replaces `https://{subdomain}.flexie.io`. */
  origin?: string;
  /** Access token in `Authorization: Bearer` (default) or the `access_token` query parameter. */
  tokenPlacement?: "header" | "query";
}

/** `Flexie.apiKey(options)`. */
export interface FlexieApiKeyOptions {
  subdomain?: string;
  apiKey: string;
  /** The `apikey` header (default) or the `apikey` query parameter. */
  placement?: "header" | "query";
  origin?: string;
}

/** `new AgileCrm(options)`: authorization code on `https://{domain}.agilecrm.com`. */
export interface AgileCrmOptions extends CommonOptions {
  /** `acme` in `acme.agilecrm.com` (not needed with `origin`). */
  domain?: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  origin?: string;
}

/** `AgileCrm.apiKey(options)`: HTTP Basic `email:apiKey` + `Accept: application/json`. */
export interface AgileCrmApiKeyOptions {
  domain?: string;
  email: string;
  apiKey: string;
  origin?: string;
}

/** `new Flowlu(options)`: password grant on `https://{company}.flowlu.com`. */
export interface FlowluOptions {
  /** `acme` in `acme.flowlu.com` (not needed with `origin` or `tokenEndpoint`). */
  company?: string;
  /** Sent with the password grant; default `"android_app_v1"`. */
  clientId?: string;
  origin?: string;
  /** Full token URL (Flowlu does not publish it; default `{origin}/oauth/token`). */
  tokenEndpoint?: string;
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
}

/** `Flowlu.apiKey(options)`: the key goes in the `api_key` query parameter. */
export interface FlowluApiKeyOptions {
  company?: string;
  apiKey: string;
  origin?: string;
}

/** `new Virtuous(options)`. */
export interface VirtuousOptions {
  /** Replaces `https://api.virtuoussoftware.com`. */
  origin?: string;
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
}

/** `Virtuous.apiKey(options)`: sent as `Authorization: Bearer`. */
export interface VirtuousApiKeyOptions {
  apiKey: string;
  origin?: string;
}

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

/** `new OAuth2(options)`: any OAuth 2.0 server. */
export interface OAuth2Options extends CommonOptions {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009 endpoint; without it `revoke` rejects with `unsupported`. */
  revocationEndpoint?: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  /** Default: `client_secret_post` with a secret, `none` without. */
  clientAuth?: "client_secret_post" | "client_secret_basic" | "none";
}

/** `createAuthorizationRequest(options)`. */
export interface AuthorizationRequestOptions {
  /** Joined with spaces into `scope`. */
  scopes?: string[];
  /** PKCE S256 (default true). */
  pkce?: boolean;
  /** Extra query parameters (may not override the flow's own). */
  params?: Record<string, string>;
}

/** Keep `state` and `codeVerifier` (e.g. in sessionStorage) until the callback. */
export interface AuthorizationRequest {
  url: string;
  state: string;
  codeVerifier: string | null;
}

/** Methods of every authorization-code provider whose options are optional. */
export interface CodeFlowMethods {
  /**
   * Builds the URL to send the user to, with a fresh `state` and (by default) a PKCE
   * verifier: keep both for `parseCallback` and `exchangeCode`.
   */
  createAuthorizationRequest(options?: AuthorizationRequestOptions): AuthorizationRequest;
  /** Exchanges an authorization code (and the PKCE verifier, if one was used) for tokens. */
  exchangeCode(code: string, options?: { codeVerifier?: string | null }): Promise<TokenSet>;
}
export interface Flextell extends CodeFlowMethods {}
export interface Flexie extends CodeFlowMethods {}
export interface AgileCrm extends CodeFlowMethods {}
export interface OAuth2 extends CodeFlowMethods {}

/** What `parseCallback` returns. */
export interface CallbackResult {
  code: string;
  state: string;
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
