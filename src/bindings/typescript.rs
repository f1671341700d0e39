//! Types of the option and result objects, emitted into the `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
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
