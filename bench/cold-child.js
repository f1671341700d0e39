// Child process for the Node cold-start measurement (spawned by bench/coldstart.js).
// Usage: node bench/cold-child.js <crm-auth|arctic|oauth4webapi>
//
// The first statement reads the clock; the library is then loaded with a dynamic import()
// (a static import would run before this line) and one authorize URL with state + PKCE S256
// is built. performance.now() counts from the process's time origin, so `boot` is Node's
// own start-up before this file's first line, and `toUrl` is import + init (crm-auth:
// read + compile + instantiate the wasm) + the first authorize URL (including Node's lazy
// initialisation of globalThis.crypto, which every library pays on first use).
const t0 = performance.now();
// The same fixtures as bench/ops.js, repeated on purpose: importing ops.js here
// would add its load time to the cold start being measured.

const lib = process.argv[2];
const C = {
  authorizationEndpoint: "https://as.example/authorize",
  tokenEndpoint: "https://as.example/token",
  clientId: "bench-client",
  clientSecret: "bench-secret-3f9a1c",
  redirectUri: "https://app.example/callback",
  scopes: ["read", "write"],
};

let url;
if (lib === "crm-auth") {
  // By name, like the peers (coldstart.js installs pkg/ as node_modules/crm-auth): Node's
  // package lookup and the `node` export condition are part of every user's cold start.
  const { OAuth2 } = await import("crm-auth");
  const client = new OAuth2({ ...C, clientAuth: "client_secret_basic" });
  url = client.createAuthorizationRequest({ scopes: C.scopes }).url;
} else if (lib === "arctic") {
  const arctic = await import("arctic");
  const client = new arctic.OAuth2Client(C.clientId, C.clientSecret, C.redirectUri);
  const state = arctic.generateState();
  const verifier = arctic.generateCodeVerifier();
  url = client
    .createAuthorizationURLWithPKCE(C.authorizationEndpoint, state, arctic.CodeChallengeMethod.S256, verifier, C.scopes)
    .toString();
} else if (lib === "oauth4webapi") {
  const o4w = await import("oauth4webapi");
  const state = o4w.generateRandomState();
  const verifier = o4w.generateRandomCodeVerifier();
  const challenge = await o4w.calculatePKCECodeChallenge(verifier);
  const u = new URL(C.authorizationEndpoint);
  for (const [k, v] of [["response_type", "code"], ["client_id", C.clientId], ["redirect_uri", C.redirectUri],
    ["state", state], ["code_challenge_method", "S256"], ["code_challenge", challenge], ["scope", C.scopes.join(" ")]]) {
    u.searchParams.set(k, v);
  }
  url = u.href;
} else {
  throw new Error(`unknown library ${lib}`);
}

const t1 = performance.now();
process.stdout.write(JSON.stringify({ lib, boot: t0, toUrl: t1 - t0, url }));
