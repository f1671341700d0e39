// Type-level consumer of the PACKED crm-auth package: every public API name, used the way the
// contract (shared/design.md) describes, plus wrong usages that must not type-check.
// Checked with `tsc --noEmit -p tests/ts-consumer` (bundler resolution) and
// `-p tests/ts-consumer/tsconfig.node16.json` (node16 ESM resolution); `crm-auth` resolves
// through tests/ts-consumer/node_modules -> .tmp/consumer/node_modules (see scripts/pack.sh).
import { Flextell, OAuth2, TokenSet, CrmAuthError } from "crm-auth";
import type {
  CrmAuthErrorCode,
  CommonOptions,
  FlextellOptions,
  OAuth2Options,
  AuthorizationRequestOptions,
  AuthorizationRequest,
  CallbackResult,
  TokenSetInit,
  TokenSetSummary,
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

  let current = manual;
  if (current.isExpired() && current.refreshToken !== null) current = await p.refresh(current.refreshToken);
  const revoked: Promise<void> = p.revoke(current.accessToken);
  await revoked.catch(() => undefined);

  const signed: Request = p.authorize(new Request("https://dev.flextell.ai/api/v1/users/me"), current);
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
