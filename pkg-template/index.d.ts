// Public types of crm-auth: the contract of the classes in api.js.
import type { CrmAuthError } from "./errors.js";

export { CrmAuthError } from "./errors.js";
export type { CrmAuthErrorCode } from "./errors.js";

/** Options every authorization-code provider accepts. */
export interface CommonOptions {
  /**
   * Expected `iss` on callbacks (RFC 9207), matched exactly. Without it, `iss` must be the
   * authorization endpoint's origin or a URL on it whose path is a whole-segment prefix of the
   * endpoint's path (Keycloak `https://host/realms/acme`).
   */
  issuer?: string;
  /**
   * Default scopes of `createAuthorizationRequest` (a call's own `scopes` replace them).
   * Flextell requires scopes: without these, a call naming none is `invalid_argument`.
   */
  scopes?: string[];
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; replaces the default. */
  apiBase?: string;
  /**
   * Milliseconds, an integer from 1 to 2147483647 (default 30000), else `invalid_argument`.
   * Token requests: bounds headers and body. `Session.fetch`: bounds the wait for the
   * response headers (the body is yours to read; pass your own `signal` to bound it).
   * Expiry is `CrmAuthError` `timeout`.
   */
  timeoutMs?: number;
  /** Token answers larger than this are refused with `invalid_response` (default 1 MiB; an integer ≥ 0). */
  maxBodyBytes?: number;
  /**
   * A `fetch(input, init)` to use instead of the global one, for token requests (a URL
   * string) and `Session.fetch` (a URL string, or the caller's `Request`).
   */
  fetch?: (input: string | Request, init: RequestInit) => Promise<Response>;
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
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; replaces the default. */
  apiBase?: string;
  /** See `CommonOptions`: they apply to `Session.fetch` with these credentials. */
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
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
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; replaces the default. */
  apiBase?: string;
  /** See `CommonOptions`: they apply to `Session.fetch` with these credentials. */
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
}

/** `new HubSpot(options)`: authorization code (app at `app.hubspot.com`, tokens and API at `api.hubapi.com`). */
export interface HubSpotOptions extends CommonOptions {
  clientId: string;
  /** Servers only: refused in a browser page (`secret_in_browser`). HubSpot apps are confidential. */
  clientSecret?: string;
  redirectUri: string;
  /** Replaces both `https://app.hubspot.com` and `https://api.hubapi.com` (tests, proxies). */
  origin?: string;
}

/** `HubSpot.apiKey(options)`: a private-app access token, sent as `Authorization: Bearer`. */
export interface HubSpotApiKeyOptions {
  apiKey: string;
  /** Replaces `https://api.hubapi.com`. */
  origin?: string;
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; replaces the default. */
  apiBase?: string;
  /** See `CommonOptions`: they apply to `Session.fetch` with these credentials. */
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
}

/** `new Salesforce(options)`: web-server flow + PKCE on a login host or My Domain. */
export interface SalesforceOptions extends CommonOptions {
  clientId: string;
  /** Servers only (connected apps may also take public clients with PKCE). */
  clientSecret?: string;
  redirectUri: string;
  /**
   * `login.salesforce.com` (default), `test.salesforce.com` (sandboxes) or the org's My Domain
   * (`acme.my.salesforce.com`, `acme--sbx.sandbox.my.salesforce.com`). Other hosts, and the
   * Lightning UI host `*.lightning.force.com`, are `invalid_argument`.
   */
  host?: string;
  /** Replaces `https://{host}` (tests, proxies, Experience Cloud sites); allows `clientCredentials`. */
  origin?: string;
  /** `client_secret_post` (default with a secret), `client_secret_basic` or `none`. */
  clientAuth?: "client_secret_post" | "client_secret_basic" | "none";
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
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; default `{origin}/api/v1/module`. */
  apiBase?: string;

  timeoutMs?: number;
  maxBodyBytes?: number;
  fetch?: CommonOptions["fetch"];
}

/** `Flowlu.apiKey(options)`: the key goes in the `api_key` query parameter. */
export interface FlowluApiKeyOptions {
  company?: string;
  apiKey: string;
  origin?: string;
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; replaces the default. */
  apiBase?: string;
  /** See `CommonOptions`: they apply to `Session.fetch` with these credentials. */
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
}

/** `new Virtuous(options)`. */
export interface VirtuousOptions {
  /** Replaces `https://api.virtuoussoftware.com`. */
  origin?: string;
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; default `{origin}/api`. */
  apiBase?: string;
  timeoutMs?: number;
  maxBodyBytes?: number;
  fetch?: CommonOptions["fetch"];
}

/** `Virtuous.apiKey(options)`: sent as `Authorization: Bearer`. */
export interface VirtuousApiKeyOptions {
  apiKey: string;
  origin?: string;
  /** Full https (or loopback) URL of the API that `Session.fetch` joins paths to; replaces the default. */
  apiBase?: string;
  /** See `CommonOptions`: they apply to `Session.fetch` with these credentials. */
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
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
  /** Joined with spaces into `scope`; replaces the constructor's `scopes`. */
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


/** `seal` option of `createAuthorizationRequest`. */
export interface SealOptions {
  /** At least 32 characters; the AES-GCM key is derived from it (HKDF-SHA256) per provider. */
  key: string;
  /** Lifetime of the sealed state (default 600). */
  maxAgeSeconds?: number;
  /**
   * Where the app wants to go after the callback; returned by `parseCallback`. Only a path
   * on this site (`/…`; not `//…`, `/\…`, a URL or control characters), else
   * `invalid_argument`; a state whose cookie would exceed 4096 bytes is `invalid_argument` too.
   */
  redirectTo?: string;
}

/** A request whose state, verifier and redirect target are sealed into `cookie`. */
export interface SealedAuthorizationRequest extends AuthorizationRequest {
  /** Send it with `stateCookie(cookie, { requestUrl })`. */
  cookie: string;
}

/** What `parseCallback` returns for a sealed state. */
export interface SealedCallbackResult {
  code: string;
  state: string;
  /** See `CallbackResult.accountsServer`. */
  accountsServer?: string;
  codeVerifier: string | null;
  redirectTo: string | null;
}

/**
 * The `Set-Cookie` value for a sealed state: `HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age`
 * (`Secure` dropped only for plain http on loopback). `stateCookie("", { requestUrl,
 * maxAgeSeconds: 0 })` clears it. A line over 4096 bytes (browsers drop it) is `invalid_argument`.
 */
export declare function stateCookie(
  value: string,
  options: { requestUrl: string | URL | Request; name?: string; maxAgeSeconds?: number },
): string;

/** The sealed state cookie (`crm_auth_state` unless named) of a request, or null. */
export declare function readStateCookie(request: Request, name?: string): string | null;

/** What `parseCallback` returns. */
export interface CallbackResult {
  code: string;
  state: string;
  /**
   * The token host the callback named (Zoho's `accounts-server`: the user's data centre),
   * already checked against the provider's own hosts; pass it to `exchangeCode`. Absent for
   * providers without one.
   */
  accountsServer?: string;
}

/** What every authorization-code provider can do. */
export interface CodeFlowMethods {
  /**
   * Seals state, verifier and `redirectTo` into an expiring cookie for servers without a
   * session store (AES-256-GCM via WebCrypto, so this form is asynchronous).
   */
  createAuthorizationRequest(options: AuthorizationRequestOptions & { seal: SealOptions }): Promise<SealedAuthorizationRequest>;
  /**
   * Builds the URL to send the user to, with a fresh `state` and (by default) a PKCE
   * verifier: keep both (session, sealed cookie, sessionStorage) for the callback.
   */
  createAuthorizationRequest(options?: AuthorizationRequestOptions): AuthorizationRequest;
  /**
   * Opens a sealed state (tampered, foreign key or provider, expired, or a `redirectTo`
   * that is not a path on this site → `state_mismatch`) and checks the callback against
   * it. With a `store` (DurableObjectStore for strong consistency) each sealed state opens
   * once: a replay is `invalid_callback`; the replay record is set with `ttlSeconds` until
   * the state's expiry.
   */
  parseCallback(url: string | URL, options: { sealed: string; key: string; store?: TokenStore }): Promise<SealedCallbackResult>;
  /**
   * Reads the redirect back from the provider. Checks `state` in constant time and
   * `iss` (RFC 9207). Throws `state_mismatch`, `invalid_callback` or
   * `authorization_denied` (with the provider's `error` and `errorDescription`).
   */
  parseCallback(url: string | URL, options: { state: string }): CallbackResult;
  /**
   * Exchanges an authorization code (and the PKCE verifier, if one was used) for tokens, at
   * the `accountsServer` `parseCallback` returned (Zoho; one not of the provider's own hosts is
   * `invalid_argument`, nothing sent).
   */
  exchangeCode(code: string, options?: { codeVerifier?: string | null; accountsServer?: string | null }): Promise<TokenSet>;
  /**
   * Refreshes tokens. Refresh tokens may rotate: store the returned set (it keeps the
   * old refresh token when the server sends none). `apiBase`: the refreshed set's
   * `apiBase`, kept when the answer names none (`Session` passes it).
   */
  refresh(refreshToken: string, options?: { apiBase?: string | null }): Promise<TokenSet>;
  /**
   * Revokes a token (RFC 7009); rejects with `unsupported`, sending nothing, without an endpoint.
   * `apiBase`: the set's (Zoho revokes at the data centre it names; `Session` passes it).
   */
  revoke(token: string, options?: { apiBase?: string | null }): Promise<void>;
  /** Returns a copy of `request` carrying the access token the way the provider expects. */
  authorize(request: Request, tokens: TokenSet): Request;
  /**
   * The URL and headers that carry the access token on a request to `url`, for
   * `fetch(a.url, { headers: a.headers })`: no `Request` is built (see `Authorization`).
   */
  authorization(url: string | URL, tokens: TokenSet): Authorization;
  /**
   * Base URL of the provider's API: the `apiBase` option, else Flextell `{origin}/api/v1`,
   * Flexie `{origin}/api`, Agile CRM `{origin}/dev/api`; `null` when unknown (`OAuth2`
   * without `apiBase`).
   */
  readonly apiBase: string | null;
  /** Frees the wasm memory now instead of at garbage collection. */
  free(): void;
}

/** Flextell: authorization code + PKCE; refresh tokens rotate; no revocation endpoint. */
export declare class Flextell {
  constructor(options: FlextellOptions);
}
export interface Flextell extends CodeFlowMethods {}

/** Flexie CRM: authorization code on `https://{subdomain}.flexie.io`, or an API key. */
export declare class Flexie {
  constructor(options: FlexieOptions);
  /** The key in the `apikey` header (default) or `?apikey=` query parameter. */
  static apiKey(options: FlexieApiKeyOptions): ApiKeyCredentials;
}
export interface Flexie extends CodeFlowMethods {}

/** Agile CRM: authorization code, or HTTP Basic `email:REST_API_KEY` (what integrations use). */
export declare class AgileCrm {
  constructor(options: AgileCrmOptions);
  /** HTTP Basic `email:apiKey` plus `Accept: application/json`. */
  static apiKey(options: AgileCrmApiKeyOptions): ApiKeyCredentials;
}
export interface AgileCrm extends CodeFlowMethods {}

/** `new ZohoCrm(options)`: a server app (with `clientSecret`) or a public client (PKCE). */
export interface ZohoCrmOptions extends CommonOptions {
  clientId: string;
  /** Servers only: refused in a browser page (`secret_in_browser`). Without it: a public client with PKCE. */
  clientSecret?: string;
  redirectUri: string;
  /**
   * The data centre the authorization starts at, and whose accounts server refreshes sets
   * whose `apiBase` names none of Zoho's (default `"com"`). The callback's `accounts-server`
   * chooses the user's own data centre for the exchange.
   */
  dataCenter?: "com" | "eu" | "in" | "com.au" | "com.cn" | "jp" | "sa" | "ca" | "uk";
  /** Replaces the accounts server and API domain (tests): then the only accepted `accounts-server`. */
  origin?: string;
}

/**
 * Zoho CRM: authorization code (comma-separated scopes; `access_type=offline` and
 * `prompt=consent` sent by default, `params` replace them), the callback's `accounts-server`
 * checked and returned as `accountsServer`, `Authorization: Zoho-oauthtoken`, each answer's
 * `api_domain` as the set's `apiBase`. `invalid_code` inside HTTP 200 is `oauth_error`
 * `invalid_grant`; Zoho's refresh limit (`Access Denied`) is `rate_limited`.
 */
export declare class ZohoCrm {
  constructor(options: ZohoCrmOptions);
}
export interface ZohoCrm extends CodeFlowMethods {}

/** `new Pipedrive(options)`: a Marketplace app (confidential: Basic client authentication). */
export interface PipedriveOptions extends Omit<CommonOptions, "scopes"> {
  clientId: string;
  /** Servers only: refused in a browser page (`secret_in_browser`). Pipedrive's token endpoint requires it. */
  clientSecret?: string;
  redirectUri: string;
  /** Replaces scheme, host and port of `https://oauth.pipedrive.com` (tests). */
  origin?: string;
}

/** `Pipedrive.apiKey(options)`: a personal API token. */
export interface PipedriveApiKeyOptions {
  /** `acme` in `acme.pipedrive.com` (not needed with `origin` or `apiBase`). */
  companyDomain?: string;
  apiKey: string;
  /** Replaces `https://{companyDomain}.pipedrive.com`. */
  origin?: string;
  /** Full https (or loopback) URL that `Session.fetch` joins paths (`/api/v1/…`) to. */
  apiBase?: string;
  /** See `CommonOptions`: they apply to `Session.fetch` with these credentials. */
  timeoutMs?: number;
  fetch?: CommonOptions["fetch"];
}

/**
 * Pipedrive: authorization code (no `scope` parameter: scopes are set on the app, so naming
 * any is `invalid_argument`; no PKCE), HTTP Basic client authentication, RFC 7009-style
 * revocation. Each token answer's `api_domain` is the set's `apiBase` (it can change on
 * refresh; `Session.fetch("/api/v1/…")` always uses the latest).
 */
export declare class Pipedrive {
  constructor(options: PipedriveOptions);
  /** A personal API token in the `x-api-token` header; API base `https://{companyDomain}.pipedrive.com`. */
  static apiKey(options: PipedriveApiKeyOptions): ApiKeyCredentials;
}
export interface Pipedrive extends CodeFlowMethods {}

/** Any OAuth 2.0 server, configured by full endpoint URLs. */
export declare class OAuth2 {
  constructor(options: OAuth2Options);
  /** Resource-owner password grant (RFC 6749 §4.3). */
  login(options: { username: string; password: string; scopes?: string[] }): Promise<TokenSet>;
}
export interface OAuth2 extends CodeFlowMethods {}

/**
 * HubSpot: authorization code (PKCE by default), 30-minute tokens, revocation; a private-app
 * token through `apiKey`. `Session` refreshes from the expiry only: a HubSpot 401 is returned
 * to the caller, never taken as a refresh signal.
 */
export declare class HubSpot {
  constructor(options: HubSpotOptions);
  /** A private-app access token as `Authorization: Bearer`. */
  static apiKey(options: HubSpotApiKeyOptions): ApiKeyCredentials;
}
export interface HubSpot extends CodeFlowMethods {}

/**
 * Salesforce: authorization code + PKCE, refresh (the old refresh token is kept unless the
 * app rotates them), revocation, client credentials on a My Domain. Tokens have no
 * `expires_in` (`expiresAt` null): `Session` refreshes on a 401. A 403
 * `REQUEST_LIMIT_EXCEEDED` from the API is `rate_limited` in `Session.fetch`.
 */
export declare class Salesforce {
  constructor(options: SalesforceOptions);
  /**
   * The client-credentials grant (server-to-server, the connected app's run-as user). Only
   * with a My Domain `host` (or an `origin`) and a `clientSecret`, else `invalid_argument`
   * before anything is sent.
   */
  clientCredentials(options?: { scopes?: string[] }): Promise<TokenSet>;
  /**
   * Reads Salesforce's API error array `[{message, errorCode}]` (parsed body or its text):
   * `rate_limited` for `REQUEST_LIMIT_EXCEEDED`, `oauth_error` for `INVALID_SESSION_ID`,
   * `invalid_response` for other codes (`error` = `errorCode`, `errorDescription` =
   * `message`), else `null`.
   */
  static apiError(body: unknown): CrmAuthError | null;
}
export interface Salesforce extends CodeFlowMethods {}

/** Flowlu: password grant (admins; token without expiry or refresh) or an API key. */
export declare class Flowlu {
  constructor(options: FlowluOptions);
  /** Password grant; sends `client_id` (default `"android_app_v1"`). */
  login(options: { username: string; password: string }): Promise<TokenSet>;
  /** Returns a copy of `request` with HTTP Basic `bearer:TOKEN`. */
  authorize(request: Request, tokens: TokenSet): Request;
  /** `{ url, headers }` with HTTP Basic `bearer:TOKEN`, for `fetch` (no `Request` built). */
  authorization(url: string | URL, tokens: TokenSet): Authorization;
  /** `{origin}/api/v1/module`; `null` when only a `tokenEndpoint` was given. */
  readonly apiBase: string | null;
  /** The key in the `api_key` query parameter of every request (bodies untouched). */
  static apiKey(options: FlowluApiKeyOptions): ApiKeyCredentials;
  /**
   * Flowlu reports API failures as `{error: {error_code, error_msg}}`, often with HTTP 200.
   * Pass the parsed body (or its text): a `CrmAuthError` (`oauth_error` with `invalid_token`
   * for code 11, `access_denied` for 22; `invalid_response` for other codes), else `null`.
   */
  static apiError(body: unknown): CrmAuthError | null;
  free(): void;
}

/** Virtuous CRM: password grant with two-factor, refresh, API keys. */
export declare class Virtuous {
  constructor(options?: VirtuousOptions);
  /**
   * Logs in. A two-factor account first rejects with `otp_required`: ask the user for
   * the code and call `login` again with `otp`.
   */
  login(options: { username: string; password: string; otp?: string }): Promise<TokenSet>;
  /** Refreshes tokens (keeps the old refresh token when none comes back). */
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Returns a copy of `request` with `Authorization: Bearer`. */
  authorize(request: Request, tokens: TokenSet): Request;
  /** `{ url, headers }` with `Authorization: Bearer`, for `fetch` (no `Request` built). */
  authorization(url: string | URL, tokens: TokenSet): Authorization;
  /** `{origin}/api`. */
  readonly apiBase: string;
  /** The key as `Authorization: Bearer`. */
  static apiKey(options: VirtuousApiKeyOptions): ApiKeyCredentials;
  free(): void;
}

/**
 * Where a credential goes on one request, from `authorization(url, …)`: `url` is the
 * given URL, or a copy with the credential in its query (Flexie `tokenPlacement: "query"`,
 * Flowlu API keys); `headers` are the ones to set, a fresh object the caller may add to.
 */
export interface Authorization {
  url: string;
  headers: Record<string, string>;
}

/** A static API key, from a provider's `apiKey(options)`. */
export declare class ApiKeyCredentials {
  private constructor();
  /** Returns a copy of `request` carrying the key in the one place the provider expects. */
  authorize(request: Request): Request;
  /** `{ url, headers }` carrying the key, for `fetch` (no `Request` built). */
  authorization(url: string | URL): Authorization;
  /** The provider these credentials are for. */
  readonly provider: string;
  /** Base URL of the provider's API. */
  readonly apiBase: string;
  /** Redacted: `{ provider, apiBase, apiKey: "[redacted]" }`. */
  toJSON(): { provider: string; apiBase: string; apiKey: "[redacted]" };
  toString(): string;
  free(): void;
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

/** `new TokenSet(init)`: tokens obtained elsewhere. */
export interface TokenSetInit {
  /** Printable ASCII (it goes in a header): CR, LF, NUL or non-ASCII is `invalid_argument`. */
  accessToken: string;
  /** `"Bearer"` in any case (default); anything else is `invalid_argument`. */
  tokenType?: string;
  /** Epoch milliseconds. */
  expiresAt?: number | null;
  refreshToken?: string | null;
  scopes?: string[] | null;
  /** The API base the grant named (https, or http on loopback; else `invalid_argument`/`insecure_endpoint`). */
  apiBase?: string | null;
}

/** `TokenSet.toJSON()`: tokens redacted. */
export interface TokenSetSummary {
  accessToken: "[redacted]";
  tokenType: string;
  expiresAt: number | null;
  refreshToken: "[redacted]" | null;
  scopes: string[] | null;
  apiBase: string | null;
}

/** Access token, type, expiry, refresh token and scopes, as issued. */
export declare class TokenSet {
  /** Wraps tokens obtained elsewhere. */
  constructor(init: TokenSetInit);
  /** The access token (a secret: do not log it). */
  readonly accessToken: string;
  /** The token type the server sent (`"Bearer"` when it sent none). */
  readonly tokenType: string;
  /** Expiry as epoch milliseconds, computed from receipt time, or `null`. */
  readonly expiresAt: number | null;
  /** The refresh token, or `null` (a secret: do not log it). */
  readonly refreshToken: string | null;
  /** Granted scopes when the server said, else `null`. */
  readonly scopes: string[] | null;
  /**
   * The API base the token answer named (Zoho's and Pipedrive's `api_domain`, Salesforce's
   * `instance_url`; checked: https, or http on loopback), kept across refreshes that omit it
   * and updated by those that name one; `null` for providers that send none.
   * `Session.fetch(path)` joins paths to it in preference to the provider's `apiBase`.
   */
  readonly apiBase: string | null;
  /** True when the token expires within `skewSeconds` (default 60); never without an expiry. */
  isExpired(skewSeconds?: number): boolean;
  /** A string for storage; it holds the tokens: store it like a password. */
  serialize(): string;
  /** Reads a `serialize()` string; anything else throws `invalid_argument`. */
  static deserialize(value: string): TokenSet;
  /** A redacted view, safe to log. */
  toJSON(): TokenSetSummary;
  /** A redacted one-line description, safe to log. */
  toString(): string;
}

/**
 * Signs requests with HMAC-SHA256. Defaults: canonical string
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nBASE64(SHA256(BODY))`, headers `X-Timestamp` (Unix
 * seconds), `X-Key-Id` (with `keyId`) and `X-Signature` (base64). Virtuous CRM does not
 * publish its recipe: these defaults are crm-auth's — supply the exact recipe as options.
 */
export declare class HmacSigner {
  constructor(options: HmacSignerOptions);
  /** The exact string that is signed, for checking a recipe. */
  canonicalString(input: SignatureInput): string;
  /** The encoded signature (without `signaturePrefix`). */
  signature(input: SignatureInput): string;
  /** A signed copy of `request` (the body is read from a clone); `timestamp` defaults to now. */
  sign(request: Request, options?: { timestamp?: number }): Promise<Request>;
  /** Redacted. */
  toJSON(): { signatureHeader: string; key: "[redacted]" };
  toString(): string;
}

/** The optional third argument of `TokenStore.set`. */
export interface StoreSetOptions {
  /**
   * Forget the value after this many seconds (sealed state's replay records). `MemoryStore`,
   * `KvStore` (at least KV's 60) and `DurableObjectStore` honour it; a store may ignore it.
   */
  ttlSeconds?: number;
}

/**
 * Where a `Session` keeps its tokens: the `serialize()` string of a `TokenSet` under a key.
 * Methods may be sync or async. `get` returns the stored string, or `null`/`undefined`.
 * The value holds the tokens: keep it like a password.
 */
export interface TokenStore {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string, options?: StoreSetOptions): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

/** Any provider a `Session` can hold: an OAuth/password provider or API-key credentials. */
export type SessionProvider = Flextell | Flexie | AgileCrm | OAuth2 | Flowlu | Virtuous | HubSpot | Salesforce | ApiKeyCredentials;

/** `new Session(options)`. */
export interface SessionOptions {
  /** The provider the tokens are for (or API-key credentials: then there are no tokens). */
  provider: SessionProvider;
  /** Where the tokens live: `MemoryStore`, `WebStorageStore` or your own. */
  store: TokenStore;
  /** The store key of this user's tokens. */
  key: string;
  /** Refresh when fewer than this many seconds remain (default 60). */
  skewSeconds?: number;
  /** `fetch` waits out a 429 `Retry-After` up to this many seconds, once (default 10). */
  maxRetryAfterSeconds?: number;
  /**
   * Store each set encrypted and authenticated (AES-256-GCM, key derived with HKDF-SHA256
   * per provider and store key): a string of at least 32 characters, or a list of them for
   * rotation (the first encrypts, all decrypt; a set read with an older key is written again
   * under the first). A set that does not decrypt (wrong or missing key, altered) and a
   * plain-text set are treated as absent: `tokens()` rejects with `invalid_grant` (log in).
   */
  encryptionKey?: string | readonly string[];
}

/**
 * One user's tokens for one provider, kept fresh. Refreshes are single-flight (any
 * number of concurrent callers cause one refresh) and rotation-safe (the new tokens are
 * stored before anyone gets them). Transient refresh failures back off (1 s, 2 s, … 60 s).
 * Nothing secret appears in its `toJSON`, `toString` or inspect output.
 */
export declare class Session {
  /** Throws `invalid_argument` for a missing provider, store or key. */
  constructor(options: SessionOptions);
  /** Stores `tokens` (e.g. right after login or code exchange). */
  save(tokens: TokenSet): Promise<void>;
  /**
   * Valid tokens, refreshed first when they expire within `skewSeconds`; `null` for
   * API-key credentials. Rejects with `oauth_error` and `error: "invalid_grant"` when
   * nothing is stored or the refresh token is dead (the stored tokens are then deleted,
   * unless another Session on the store rotated them meanwhile: its newer set is used):
   * send the user to log in. A store whose `set` throws gives `invalid_response`; the
   * refreshed tokens are kept in memory and saved on the next call.
   */
  tokens(): Promise<TokenSet | null>;
  /**
   * `fetch` with credentials. A path starting with "/" is joined to the provider's
   * `apiBase`; an absolute URL or a `Request` is used as is. On 401 (or Flowlu's
   * authorization error inside a 200) the tokens are refreshed and the request sent once
   * more (at most one refresh per token set within 30 s: then the 401 is returned) — not
   * for HubSpot, whose 401s are returned as they are (it refreshes from the expiry only);
   * on 429 it waits `Retry-After` (up to `maxRetryAfterSeconds`) and retries once, else
   * rejects with `rate_limited` and `retryAfter`; Salesforce's 403 `REQUEST_LIMIT_EXCEEDED`
   * rejects with `rate_limited` (`error: "REQUEST_LIMIT_EXCEEDED"`, `status: 403`). Runs through the provider's `fetch` and
   * `timeoutMs` (`timeout` when no headers arrive in time; your `init.signal` aborts it).
   * Redirects: within the request's origin they are followed (≤ 20, fetch's method rules)
   * with the credential placed again; to another origin, or a browser's opaque redirect,
   * they reject with `invalid_response` — no credential is ever sent there. With
   * `redirect: "manual"` you get the redirect response; `"error"` → `network_error`.
   */
  fetch(pathOrRequest: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Revokes the refresh token (else the access token) where the provider can, ignoring
   * revocation failures, then deletes the stored tokens. A refresh in flight is waited for
   * (what it obtained is revoked too), so no live refresh token is left behind.
   */
  logout(): Promise<void>;
  /** Redacted: no tokens. */
  toJSON(): { provider: string; key: string; skewSeconds: number };
  toString(): string;
}

/**
 * A `TokenStore` in memory (one process, one Worker invocation, tests). Values set with
 * `ttlSeconds` expire and are swept out (the map stays within twice what is live).
 */
export declare class MemoryStore implements TokenStore {
  constructor();
  get(key: string): string | null;
  /** Throws `invalid_argument` for a `ttlSeconds` that is not a positive number. */
  set(key: string, value: string, options?: StoreSetOptions): void;
  delete(key: string): void;
}

/**
 * A `TokenStore` over `sessionStorage` or `localStorage`. Anything script on the page can
 * read them: prefer `sessionStorage` and a strict Content Security Policy.
 */
export declare class WebStorageStore implements TokenStore {
  /** Throws `invalid_argument` unless `storage` has getItem, setItem and removeItem. */
  constructor(storage: Pick<Storage, "getItem" | "setItem" | "removeItem">);
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** The parts of a Workers KV namespace binding (`KVNamespace`) that `KvStore` uses. */
export interface KvNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** `new KvStore(namespace, options)`. */
export interface KvStoreOptions {
  /** `expirationTtl` for every write, in seconds (at least 60); default none. */
  ttlSeconds?: number;
}

/**
 * A `TokenStore` over a Workers KV namespace binding. KV is eventually consistent: a write
 * can take up to about 60 seconds to be seen elsewhere, so KV cannot coordinate refresh
 * across isolates (two may refresh at once, and with rotating refresh tokens one loses).
 * Use `DurableObjectStore` for that.
 */
export declare class KvStore implements TokenStore {
  /** Throws `invalid_argument` for a non-KV namespace or `ttlSeconds` below 60. */
  constructor(namespace: KvNamespaceLike, options?: KvStoreOptions);
  get(key: string): Promise<string | null>;
  /** `ttlSeconds` here (raised to 60) replaces the constructor's for this write. */
  set(key: string, value: string, options?: StoreSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * The parts of a Durable Object namespace binding (`DurableObjectNamespace<TokenStoreObject>`)
 * that `DurableObjectStore` uses.
 */
export interface TokenStoreNamespaceLike {
  idFromName(name: string): any;
  get(id: any): any;
}

/** `new DurableObjectStore(namespace, options)`. */
export interface DurableObjectStoreOptions {
  /** How long a refresh lease lasts before it expires by itself (ms, default 30000). Keep it above the provider's `timeoutMs`. */
  leaseMs?: number;
  /** How long `lock` waits for another holder (ms, default 35000) before rejecting with `timeout`. */
  waitMs?: number;
}

/**
 * A `TokenStore` over a Durable Object namespace bound to `TokenStoreObject` (one object per
 * key): strongly consistent, and its `lock` makes a `Session` refresh once across every
 * isolate — the others wait, re-read the store and get the new tokens. In wrangler.toml:
 * `[[durable_objects.bindings]] name = "TOKENS", class_name = "TokenStoreObject"` plus a
 * migration with `new_sqlite_classes = ["TokenStoreObject"]`, and in the Worker
 * `export { TokenStoreObject } from "crm-auth";` (typed by the `workerd` condition: see
 * `TokenStoreObject` in workerd.d.ts).
 */
export declare class DurableObjectStore implements TokenStore {
  /** Throws `invalid_argument` for a non-namespace or bad `leaseMs`/`waitMs`. */
  constructor(namespace: TokenStoreNamespaceLike, options?: DurableObjectStoreOptions);
  get(key: string): Promise<string | null>;
  /** With `ttlSeconds`, the key's object deletes the value when it expires (an alarm). */
  set(key: string, value: string, options?: StoreSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Runs `fn` holding the lease on `key`'s object and releases it afterwards. Rejects with
   * `timeout` after waiting `waitMs`, `invalid_response` when the object cannot be reached.
   */
  lock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}
