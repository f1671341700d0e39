// Type-level consumer of the PACKED crm-auth package: every public API name, used the way the
// contract (shared/design.md) describes, plus wrong usages that must not type-check.
// Checked with `tsc --noEmit -p tests/ts-consumer` (bundler resolution) and
// `-p tests/ts-consumer/tsconfig.node16.json` (node16 ESM resolution); `crm-auth` resolves
// through tests/ts-consumer/node_modules -> .tmp/consumer/node_modules (see scripts/pack.sh).
import {
  Flextell, Flexie, AgileCrm, OAuth2, Flowlu, Virtuous, HubSpot, Salesforce, ApiKeyCredentials, HmacSigner, TokenSet, CrmAuthError,
  Session, MemoryStore, WebStorageStore, stateCookie, readStateCookie,
} from "crm-auth";
import { Pipedrive, ZohoCrm } from "crm-auth";
import type { PipedriveOptions, PipedriveApiKeyOptions, ZohoCrmOptions } from "crm-auth";
import type {
  CrmAuthErrorCode,
  CommonOptions,
  CodeFlowMethods,
  Authorization,
  FlextellOptions,
  FlexieOptions,
  FlexieApiKeyOptions,
  AgileCrmOptions,
  AgileCrmApiKeyOptions,
  OAuth2Options,
  FlowluOptions,
  FlowluApiKeyOptions,
  VirtuousOptions,
  VirtuousApiKeyOptions,
  HubSpotOptions,
  HubSpotApiKeyOptions,
  SalesforceOptions,
  HmacSignerOptions,
  SignatureInput,
  AuthorizationRequestOptions,
  AuthorizationRequest,
  CallbackResult,
  TokenSetInit,
  TokenSetSummary,
  SessionOptions,
  TokenStore,
  SealOptions,
  SealedAuthorizationRequest,
  SealedCallbackResult,
  StoreSetOptions,
} from "crm-auth";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_value: T): void {}
function assertTrue<_T extends true>(): void {}

// The contract's error codes, exactly.
type ContractCodes =
  | "invalid_argument" | "insecure_endpoint" | "secret_in_browser" | "state_mismatch"
  | "invalid_callback" | "authorization_denied" | "oauth_error" | "otp_required"
  | "invalid_response" | "network_error" | "timeout" | "rate_limited" | "unsupported";
assertTrue<Equal<CrmAuthErrorCode, ContractCodes>>();

export async function flextellFlow(storage: { getItem(k: string): string | null; setItem(k: string, v: string): void }): Promise<Response> {
  const common: CommonOptions = { issuer: "https://dev.flextell.ai", timeoutMs: 10_000 };
  const options: FlextellOptions = {
    ...common,
    clientId: "client",
    clientSecret: "secret",
    redirectUri: "https://app.example/callback",
    origin: "https://sandbox.flextell.example",
    fetch: (url, init) => fetch(url, init),
    dangerouslyAllowBrowser: false,
  };
  const p = new Flextell(options);
  const minimal = new Flextell({ clientId: "client", redirectUri: "https://app.example/callback" });
  expectType<Flextell>(minimal);
  // Default scopes (Flextell requires scope) and a chosen API base (its docs show /api/v0.0.1).
  const scoped = new Flextell({ ...options, scopes: ["read", "calls"], apiBase: "https://dev.flextell.ai/api/v0.0.1" });
  expectType<string | null>(scoped.apiBase);

  const reqOptions: AuthorizationRequestOptions = { scopes: ["contacts.read"], pkce: true, params: { prompt: "consent" } };
  const req: AuthorizationRequest = p.createAuthorizationRequest(reqOptions);
  p.createAuthorizationRequest();
  p.createAuthorizationRequest({});
  expectType<string>(req.url);
  expectType<string>(req.state);
  expectType<string | null>(req.codeVerifier);
  storage.setItem("state", req.state);

  const cb: CallbackResult = p.parseCallback("https://app.example/callback?code=c&state=s", { state: req.state });
  p.parseCallback(new URL("https://app.example/callback?code=c&state=s"), { state: "s" });
  expectType<string>(cb.code);
  expectType<string>(cb.state);

  const tokens = await p.exchangeCode(cb.code, { codeVerifier: req.codeVerifier ?? undefined });
  await p.exchangeCode(cb.code);
  expectType<TokenSet>(tokens);
  expectType<string>(tokens.accessToken);
  expectType<string>(tokens.tokenType);
  expectType<number | null>(tokens.expiresAt);
  expectType<string | null>(tokens.refreshToken);
  expectType<string[] | null>(tokens.scopes);
  expectType<string | null>(tokens.apiBase);
  expectType<boolean>(tokens.isExpired());
  expectType<boolean>(tokens.isExpired(30));
  const serialized: string = tokens.serialize();
  storage.setItem("tokens", serialized);
  const restored: TokenSet = TokenSet.deserialize(storage.getItem("tokens") ?? serialized);
  const summary: TokenSetSummary = restored.toJSON();
  expectType<string>(restored.toString());
  expectType<"[redacted]">(summary.accessToken);

  const init: TokenSetInit = { accessToken: "a", tokenType: "Bearer", expiresAt: Date.now() + 1000, refreshToken: null, scopes: ["x"] };
  const manual = new TokenSet(init);
  new TokenSet({ accessToken: "a" });
  new TokenSet({ accessToken: "a", apiBase: "https://api.example" });

  let current = manual;
  if (current.isExpired() && current.refreshToken !== null) current = await p.refresh(current.refreshToken);
  current = await p.refresh(current.refreshToken ?? "", { apiBase: current.apiBase });
  const revoked: Promise<void> = p.revoke(current.accessToken);
  await revoked.catch(() => undefined);

  const signed: Request = p.authorize(new Request("https://dev.flextell.ai/api/v1/users/me"), current);
  const placed: Authorization = p.authorization(new URL("https://dev.flextell.ai/api/v1/users/me"), current);
  const placedUrl: string = placed.url;
  const placedHeaders: Record<string, string> = placed.headers;
  void fetch(placedUrl, { headers: { ...placedHeaders, accept: "application/json" } });
  return fetch(signed);
}

export async function oauth2Flow(): Promise<void> {
  const options: OAuth2Options = {
    authorizationEndpoint: "https://auth.example/authorize",
    tokenEndpoint: "https://auth.example/token",
    revocationEndpoint: "https://auth.example/revoke",
    clientId: "id",
    clientSecret: "secret",
    redirectUri: "https://app.example/cb",
    clientAuth: "client_secret_basic",
    issuer: "https://auth.example",
    timeoutMs: 5000,
  };
  const o = new OAuth2(options);
  for (const clientAuth of ["client_secret_post", "client_secret_basic", "none"] as const) new OAuth2({ ...options, clientAuth });
  const r = o.createAuthorizationRequest({ pkce: false });
  const t = await o.exchangeCode(o.parseCallback(r.url, { state: r.state }).code);
  if (t.refreshToken) await o.revoke(t.refreshToken);
}

export function handleError(e: unknown): string {
  if (e instanceof CrmAuthError) {
    expectType<Error>(e);
    expectType<CrmAuthErrorCode>(e.code);
    expectType<string>(e.provider);
    expectType<number | undefined>(e.status);
    expectType<string | undefined>(e.error);
    expectType<string | undefined>(e.errorDescription);
    expectType<number | undefined>(e.retryAfter);
    switch (e.code) {
      case "rate_limited":
        return `retry in ${e.retryAfter ?? 1}s`;
      case "oauth_error":
        return e.error === "invalid_grant" ? "log in again" : e.message;
      case "invalid_argument": case "insecure_endpoint": case "secret_in_browser": case "state_mismatch":
      case "invalid_callback": case "authorization_denied": case "otp_required": case "invalid_response":
      case "network_error": case "timeout": case "unsupported":
        return e.code;
      default: {
        const never: never = e.code; // exhaustive
        return never;
      }
    }
  }
  return "unknown";
}

// ---- every provider class, option and static method --------------------------------------

/** Anything with the code-flow methods, whatever the provider. */
async function codeFlow(p: CodeFlowMethods & { parseCallback(url: string | URL, o: { state: string }): CallbackResult }): Promise<TokenSet> {
  const r: AuthorizationRequest = p.createAuthorizationRequest({ scopes: ["read"] });
  const { code } = p.parseCallback(r.url, { state: r.state });
  return p.exchangeCode(code, { codeVerifier: r.codeVerifier });
}

export async function flexieFlow(): Promise<Response[]> {
  const options: FlexieOptions = {
    subdomain: "acme",
    clientId: "id",
    clientSecret: "secret",
    redirectUri: "https://app.example/cb",
    origin: "https://acme.flexie.example",
    tokenPlacement: "query",
    issuer: "https://acme.flexie.example",
    timeoutMs: 10_000,
    fetch: (url, init) => fetch(url, init),
  };
  const flexie = new Flexie(options);
  new Flexie({ subdomain: "acme", clientId: "id", redirectUri: "https://app.example/cb", tokenPlacement: "header" });
  new Flexie({ origin: "https://crm.example", clientId: "id", redirectUri: "https://app.example/cb" });
  const tokens = await codeFlow(flexie);
  const refreshed: TokenSet = await flexie.refresh(tokens.refreshToken ?? "");
  const revoked: Promise<void> = flexie.revoke(refreshed.accessToken); // rejects with "unsupported"
  await revoked.catch((e: unknown) => (e instanceof CrmAuthError && e.code === "unsupported" ? undefined : Promise.reject(e)));

  const keyOptions: FlexieApiKeyOptions = { subdomain: "acme", apiKey: "k", placement: "query", origin: "https://acme.flexie.example" };
  const key: ApiKeyCredentials = Flexie.apiKey(keyOptions);
  Flexie.apiKey({ subdomain: "acme", apiKey: "k" });
  Flexie.apiKey({ apiKey: "k", placement: "header" });
  Flexie.apiKey({ apiKey: "k", apiBase: "https://acme.flexie.io/api" });
  new Flexie({ subdomain: "acme", clientId: "id", redirectUri: "https://app.example/cb", scopes: ["x"], apiBase: "https://acme.flexie.io/api" });
  expectType<string>(key.apiBase);
  expectType<string>(key.provider);
  expectType<{ provider: string; apiBase: string; apiKey: "[redacted]" }>(key.toJSON());
  expectType<string>(key.toString());
  const viaKey: Request = key.authorize(new Request(`${key.apiBase}/users/self`));
  const keyPlaced: Authorization = key.authorization(`${key.apiBase}/users/self`);
  void keyPlaced;
  const viaToken: Request = flexie.authorize(new Request("https://acme.flexie.io/api/users/self"), refreshed);
  return Promise.all([fetch(viaKey), fetch(viaToken)]);
}

export async function agileFlow(): Promise<Response> {
  const options: AgileCrmOptions = { domain: "acme", clientId: "id", clientSecret: "s", redirectUri: "https://app.example/cb", origin: "https://acme.agilecrm.example", timeoutMs: 5000 };
  const agile = new AgileCrm(options);
  new AgileCrm({ domain: "acme", clientId: "id", redirectUri: "https://app.example/cb" });
  const tokens = await codeFlow(agile);
  if (tokens.refreshToken !== null) await agile.refresh(tokens.refreshToken);
  await agile.revoke(tokens.accessToken).catch(() => undefined);
  agile.authorize(new Request("https://acme.agilecrm.com/dev/api/contacts/1"), tokens);
  const keyOptions: AgileCrmApiKeyOptions = { domain: "acme", email: "me@acme.example", apiKey: "k", origin: "https://acme.agilecrm.example" };
  const key = AgileCrm.apiKey(keyOptions);
  expectType<ApiKeyCredentials>(key);
  AgileCrm.apiKey({ domain: "acme", email: "me@acme.example", apiKey: "k" });
  AgileCrm.apiKey({ domain: "acme", email: "me@acme.example", apiKey: "k", apiBase: "https://acme.agilecrm.com/dev/api" });
  new AgileCrm({ domain: "acme", clientId: "id", redirectUri: "https://app.example/cb", apiBase: "https://acme.agilecrm.com/dev/api" });
  return fetch(key.authorize(new Request(`${key.apiBase}/contacts/1`)));
}

export async function flowluFlow(): Promise<CrmAuthError | null> {
  const options: FlowluOptions = {
    company: "acme",
    clientId: "android_app_v1",
    origin: "https://acme.flowlu.example",
    tokenEndpoint: "https://acme.flowlu.example/oauth/token",
    timeoutMs: 5000,
    fetch: (url, init) => fetch(url, init),
  };
  const flowlu = new Flowlu(options);
  new Flowlu({ company: "acme" });
  new Flowlu({ tokenEndpoint: "https://auth.example/oauth/token" });
  new Flowlu({ tokenEndpoint: "https://auth.example/oauth/token", apiBase: "https://acme.flowlu.com/api/v1/module" });
  const tokens: TokenSet = await flowlu.login({ username: "admin", password: "pw" });
  expectType<number | null>(tokens.expiresAt);
  const res = await fetch(flowlu.authorize(new Request("https://acme.flowlu.com/api/v1/module/crm/lead/list"), tokens));
  const err: CrmAuthError | null = Flowlu.apiError(await res.json());
  Flowlu.apiError(await res.text());
  if (err) {
    expectType<CrmAuthErrorCode>(err.code);
    expectType<string | undefined>(err.error);
  }
  const keyOptions: FlowluApiKeyOptions = { company: "acme", apiKey: "k", origin: "https://acme.flowlu.example" };
  const key = Flowlu.apiKey(keyOptions);
  Flowlu.apiKey({ company: "acme", apiKey: "k" });
  Flowlu.apiKey({ company: "acme", apiKey: "k", apiBase: "https://acme.flowlu.com/api/v1/module" });
  await fetch(key.authorize(new Request(`${key.apiBase}/crm/lead/create`, { method: "POST", body: new URLSearchParams({ name: "x" }) })));
  return err;
}

export async function virtuousFlow(askUser: () => Promise<string>): Promise<Response> {
  const options: VirtuousOptions = { origin: "https://virtuous.example", timeoutMs: 5000, fetch: (url, init) => fetch(url, init) };
  const virtuous = new Virtuous(options);
  new Virtuous();
  new Virtuous({});
  new Virtuous({ apiBase: "https://api.virtuoussoftware.com/api" });
  let tokens: TokenSet;
  try {
    tokens = await virtuous.login({ username: "u", password: "p" });
  } catch (e) {
    if (!(e instanceof CrmAuthError) || e.code !== "otp_required") throw e;
    tokens = await virtuous.login({ username: "u", password: "p", otp: await askUser() });
  }
  if (tokens.refreshToken) tokens = await virtuous.refresh(tokens.refreshToken);
  const keyOptions: VirtuousApiKeyOptions = { apiKey: "k", origin: "https://virtuous.example" };
  const key = Virtuous.apiKey(keyOptions);
  Virtuous.apiKey({ apiKey: "k" });
  Virtuous.apiKey({ apiKey: "k", apiBase: "https://api.virtuoussoftware.com/api" });
  await fetch(key.authorize(new Request(`${key.apiBase}/Contact/1`)));
  return fetch(virtuous.authorize(new Request("https://api.virtuoussoftware.com/api/Contact/1"), tokens));
}

export async function oauth2Login(): Promise<TokenSet> {
  const o = new OAuth2({ authorizationEndpoint: "https://a/authorize", tokenEndpoint: "https://a/token", clientId: "public", redirectUri: "https://app/cb", clientAuth: "none" });
  await o.login({ username: "u", password: "p" });
  return o.login({ username: "u", password: "p", scopes: ["read", "write"] });
}

export async function hmac(body: string): Promise<Request> {
  const defaults = new HmacSigner({ key: "secret" });
  const options: HmacSignerOptions = {
    key: "secret",
    keyId: "kid",
    signatureHeader: "X-Sig",
    timestampHeader: "X-Ts",
    keyIdHeader: "X-Kid",
    signaturePrefix: "HMAC ",
    components: ["timestamp", "method", "path", "body-sha256"],
    separator: "|",
    encoding: "hex",
  };
  const signer = new HmacSigner(options);
  new HmacSigner({ key: "k", encoding: "base64" });
  const input: SignatureInput = { method: "POST", url: "https://api.example/x?y=1", body, timestamp: 1_700_000_000 };
  const binary: SignatureInput = { method: "PUT", url: "https://api.example/x", body: new Uint8Array([1, 2]), timestamp: 1 };
  expectType<string>(signer.canonicalString(input));
  expectType<string>(signer.signature(binary));
  signer.canonicalString({ method: "GET", url: "https://api.example/x", timestamp: 1 });
  expectType<{ signatureHeader: string; key: "[redacted]" }>(signer.toJSON());
  expectType<string>(signer.toString());
  await signer.sign(new Request("https://api.example/x", { method: "POST", body }), { timestamp: 1_700_000_000 });
  await signer.sign(new Request("https://api.example/x"), {});
  // As in the README: the timestamp defaults to now.
  return defaults.sign(new Request("https://api.example/x", { method: "POST", body }));
}

// ---- wrong usage must not type-check ----------------------------------------------------
export function wrong(p: Flextell, t: TokenSet): void {
  // @ts-expect-error clientAuth is a closed union
  new OAuth2({ authorizationEndpoint: "https://a/x", tokenEndpoint: "https://a/t", clientId: "i", redirectUri: "https://a/cb", clientAuth: "bogus" });
  // @ts-expect-error redirectUri is required
  new Flextell({ clientId: "x" });
  // @ts-expect-error clientId must be a string
  new Flextell({ clientId: 42, redirectUri: "https://a/cb" });
  // @ts-expect-error scopes is an array of strings
  p.createAuthorizationRequest({ scopes: "read" });
  // @ts-expect-error default scopes are an array of strings too
  new Flextell({ clientId: "x", redirectUri: "https://a/cb", scopes: "read" });
  // @ts-expect-error apiBase is a URL string
  new Virtuous({ apiBase: 1 });
  // @ts-expect-error params values are strings
  p.createAuthorizationRequest({ params: { n: 1 } });
  // @ts-expect-error parseCallback needs the expected state
  p.parseCallback("https://a/cb?code=c&state=s");
  // @ts-expect-error refresh takes a string
  void p.refresh(42);
  // @ts-expect-error authorize takes a Request, not a URL string
  p.authorize("https://a/api", t);
  // @ts-expect-error accessToken is read as a string
  const n: number = t.accessToken;
  // @ts-expect-error not a contract error code
  const c: CrmAuthErrorCode = "nope";
  // @ts-expect-error TokenSetInit needs an accessToken
  new TokenSet({ tokenType: "Bearer" });
  void n; void c;
}

export async function wrongProviders(f: Flowlu, v: Virtuous, t: TokenSet): Promise<void> {
  // @ts-expect-error placement is "header" | "query"
  Flexie.apiKey({ subdomain: "acme", apiKey: "k", placement: "body" });
  // @ts-expect-error tokenPlacement is "header" | "query"
  new Flexie({ subdomain: "acme", clientId: "i", redirectUri: "https://a/cb", tokenPlacement: "cookie" });
  // @ts-expect-error Flowlu.login needs a password
  await f.login({ username: "admin" });
  // @ts-expect-error encoding is "base64" | "hex"
  new HmacSigner({ key: "k", encoding: "base32" });
  // @ts-expect-error components are a closed union
  new HmacSigner({ key: "k", components: ["method", "host"] });
  // @ts-expect-error HmacSigner needs a key
  new HmacSigner({ keyId: "kid" });
  // @ts-expect-error AgileCrm.apiKey needs the account email
  AgileCrm.apiKey({ domain: "acme", apiKey: "k" });
  // @ts-expect-error Flowlu.apiKey needs apiKey
  Flowlu.apiKey({ company: "acme" });
  // @ts-expect-error the otp is a string
  await v.login({ username: "u", password: "p", otp: 123456 });
  // @ts-expect-error Virtuous has no code flow
  v.createAuthorizationRequest();
  // @ts-expect-error Flowlu has no refresh (its tokens have none)
  await f.refresh("rt");
  // @ts-expect-error ApiKeyCredentials come from the providers' apiKey(), not a constructor
  new ApiKeyCredentials();
  // @ts-expect-error ApiKeyCredentials.authorize takes a Request, not a URL string
  Virtuous.apiKey({ apiKey: "k" }).authorize("https://a/api");
  // @ts-expect-error apiError returns CrmAuthError | null, not a boolean
  const b: boolean = Flowlu.apiError({});
  void b; void t;
}

// Session: one user's tokens kept fresh, over any store (sync, async, Web Storage).
export async function sessionFlow(kv: { get(k: string): Promise<string | null>; put(k: string, v: string): Promise<void>; delete(k: string): Promise<void> }): Promise<Response[]> {
  const flextell = new Flextell({ clientId: "i", redirectUri: "https://a/cb" });
  const base: string | null = flextell.apiBase;
  void base;
  const asyncStore: TokenStore = { get: (k) => kv.get(k), set: (k, v) => kv.put(k, v), delete: (k) => kv.delete(k) };
  const options: SessionOptions = { provider: flextell, store: asyncStore, key: "user-1", skewSeconds: 30, maxRetryAfterSeconds: 5 };
  const session = new Session(options);
  await session.save(new TokenSet({ accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 3600_000 }));
  const tokens: TokenSet | null = await session.tokens();
  void tokens;
  const browser = new Session({ provider: flextell, store: new WebStorageStore(globalThis.sessionStorage), key: "u" });
  const keyed = new Session({ provider: Flexie.apiKey({ subdomain: "acme", apiKey: "k", timeoutMs: 5000, fetch: (input, init) => fetch(input, init) }), store: new MemoryStore(), key: "k" });
  // Tokens encrypted at rest: one key, or a list for rotation (the first encrypts).
  const sealedStore = new Session({ provider: flextell, store: new MemoryStore(), key: "u", encryptionKey: "a-secret-of-at-least-32-characters!!" });
  const rotating = new Session({ provider: flextell, store: new MemoryStore(), key: "u", encryptionKey: ["new-key-of-at-least-32-characters!!!", "old-key-of-at-least-32-characters!!!"] });
  void sealedStore;
  void rotating;
  // @ts-expect-error encryptionKey is a string or a list of strings
  new Session({ provider: flextell, store: new MemoryStore(), key: "u", encryptionKey: 42 });
  const responses = [
    await session.fetch("/users/me", { headers: { "x-tenant": "t" } }),
    await browser.fetch(new Request("https://dev.flextell.ai/api/v1/users/me")),
    await keyed.fetch(new URL("https://acme.flexie.io/api/users/self")),
  ];
  await session.logout();
  expectType<{ provider: string; key: string; skewSeconds: number }>(session.toJSON());
  // @ts-expect-error a Session needs a store
  new Session({ provider: flextell, key: "u" });
  // @ts-expect-error store.get must return a string (a serialized TokenSet), not a TokenSet
  new Session({ provider: flextell, store: { get: () => tokens, set() {}, delete() {} }, key: "u" });
  return responses;
}

// Sealed state: the `seal` form is asynchronous (WebCrypto), the plain one is not.
export async function sealedState(flextell: Flextell, request: Request) {
  const seal: SealOptions = { key: "k".repeat(32), maxAgeSeconds: 300, redirectTo: "/home" };
  const sealed: SealedAuthorizationRequest = await flextell.createAuthorizationRequest({ scopes: ["read"], seal });
  const plain: AuthorizationRequest = flextell.createAuthorizationRequest({ scopes: ["read"] });
  const header: string = stateCookie(sealed.cookie, { requestUrl: request });
  const cookie: string | null = readStateCookie(request);
  const opened: SealedCallbackResult = await flextell.parseCallback(request.url, { sealed: cookie ?? "", key: seal.key });
  // Replay records carry a TTL; a store may honour or ignore the third argument.
  const ttl: StoreSetOptions = { ttlSeconds: 600 };
  new MemoryStore().set("crm-auth:sealed:n", "1", ttl);
  const ignoring: TokenStore = { get: () => null, set: (_k: string, _v: string) => {}, delete: () => {} };
  await flextell.parseCallback(request.url, { sealed: cookie ?? "", key: seal.key, store: ignoring });
  const direct: CallbackResult = flextell.parseCallback(request.url, { state: plain.state });
  // @ts-expect-error the sealed form returns a Promise, not a SealedCallbackResult
  const wrong: SealedCallbackResult = flextell.parseCallback(request.url, { sealed: "x", key: "y" });
  return [header, opened, direct, wrong];
}

// HubSpot: code flow with required scopes, private-app tokens; Session refreshes from expiry only.
export async function hubspotFlow(code: string): Promise<Response> {
  const options: HubSpotOptions = { clientId: "id", clientSecret: "s", redirectUri: "https://app.example/cb", scopes: ["crm.objects.contacts.read"] };
  const hubspot = new HubSpot(options);
  const req: AuthorizationRequest = hubspot.createAuthorizationRequest({ params: { optional_scope: "crm.objects.deals.read" } });
  const tokens: TokenSet = await hubspot.exchangeCode(code, { codeVerifier: req.codeVerifier });
  await hubspot.revoke(tokens.refreshToken ?? "");
  const keyOptions: HubSpotApiKeyOptions = { apiKey: "pat-na1-x" };
  const key: ApiKeyCredentials = HubSpot.apiKey(keyOptions);
  // @ts-expect-error HubSpot.apiKey needs the token
  HubSpot.apiKey({});
  const session = new Session({ provider: hubspot, store: new MemoryStore(), key: "u" });
  await new Session({ provider: key, store: new MemoryStore(), key: "k" }).fetch("/crm/v3/objects/contacts");
  return session.fetch("/crm/v3/objects/contacts");
}

// Salesforce: login/test/My Domain hosts, client credentials on a My Domain, array API errors.
export async function salesforceFlow(code: string): Promise<CrmAuthError | null> {
  const options: SalesforceOptions = { clientId: "id", redirectUri: "https://app.example/cb", host: "acme.my.salesforce.com", clientAuth: "client_secret_basic", clientSecret: "s" };
  const sf = new Salesforce(options);
  new Salesforce({ clientId: "id", redirectUri: "https://app.example/cb" });
  new Salesforce({ clientId: "id", redirectUri: "https://app.example/cb", host: "test.salesforce.com" });
  // @ts-expect-error clientAuth is one of three names
  new Salesforce({ clientId: "id", redirectUri: "https://app.example/cb", clientAuth: "private_key_jwt" });
  const tokens: TokenSet = await sf.exchangeCode(code);
  expectType<number | null>(tokens.expiresAt);
  const service: TokenSet = await sf.clientCredentials({ scopes: ["api"] });
  await sf.clientCredentials();
  const res = await new Session({ provider: sf, store: new MemoryStore(), key: "u" }).fetch("/services/data/v62.0/limits");
  await sf.revoke(service.accessToken);
  return Salesforce.apiError(await res.text());
}

// Pipedrive: confidential code flow (no scopes, no PKCE) and personal API tokens; the API
// base comes from each token answer (`apiBase`).
export async function pipedrive(): Promise<Response> {
  const options: PipedriveOptions = { clientId: "id", clientSecret: "s", redirectUri: "https://app.example/cb" };
  const p = new Pipedrive(options);
  const req: AuthorizationRequest = p.createAuthorizationRequest({ pkce: false });
  const cb: CallbackResult = p.parseCallback("https://app.example/cb?code=c&state=s", { state: req.state });
  const tokens: TokenSet = await p.exchangeCode(cb.code);
  const base: string | null = tokens.apiBase;
  const fresh: TokenSet = await p.refresh(tokens.refreshToken ?? "", { apiBase: base });
  await p.revoke(fresh.refreshToken ?? "");
  const keyOptions: PipedriveApiKeyOptions = { companyDomain: "acme", apiKey: "k" };
  const key: ApiKeyCredentials = Pipedrive.apiKey(keyOptions);
  // @ts-expect-error Pipedrive takes no default scopes (they are set on the app)
  new Pipedrive({ ...options, scopes: ["deals:full"] });
  const session = new Session({ provider: p, store: new MemoryStore(), key: "u" });
  await new Session({ provider: key, store: new MemoryStore(), key: "k" }).fetch("/api/v1/users/me");
  return session.fetch("/api/v1/users/me");
}

// Zoho CRM: the callback names the data centre; the exchange goes there.
export async function zoho(): Promise<Response> {
  const options: ZohoCrmOptions = { clientId: "id", redirectUri: "https://app.example/cb", dataCenter: "eu", scopes: ["ZohoCRM.modules.ALL"] };
  const z = new ZohoCrm(options);
  const req: AuthorizationRequest = z.createAuthorizationRequest({ params: { prompt: "login" } });
  const cb: CallbackResult = z.parseCallback("https://app.example/cb?code=c&state=s&accounts-server=https%3A%2F%2Faccounts.zoho.eu", { state: req.state });
  const server: string | undefined = cb.accountsServer;
  const tokens = await z.exchangeCode(cb.code, { codeVerifier: req.codeVerifier, accountsServer: server });
  await z.revoke(tokens.refreshToken ?? "", { apiBase: tokens.apiBase });
  // @ts-expect-error dataCenter is a closed union
  new ZohoCrm({ ...options, dataCenter: "us" });
  return new Session({ provider: z, store: new MemoryStore(), key: "z" }).fetch("/crm/v8/users?type=CurrentUser");
}
