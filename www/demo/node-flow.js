// The Flextell login flow in Node, step by step, against the local provider
// simulator: what a server holding the client secret does.
import { startSimulator } from "../simulator/index.js";
import { Flextell, CrmAuthError } from "../../pkg/node.js";

const sim = await startSimulator();
const step = (n, text) => console.log(`\n${n}. ${text}`);
const short = (s) => `${s.slice(0, 6)}… (${s.length} chars)`;

try {
  const origin = sim.origins.flextell;
  console.log(`Flextell simulator at ${origin}`);
  const flextell = new Flextell({
    clientId: "test-client",
    clientSecret: "test-secret",
    redirectUri: "http://127.0.0.1/callback",
    origin,
  });

  step(1, "Build the authorize URL (state + PKCE S256)");
  const { url, state, codeVerifier } = flextell.createAuthorizationRequest({ scopes: ["contacts", "calls"] });
  console.log(`   ${url}`);
  console.log(`   keep: state ${short(state)}, codeVerifier ${short(codeVerifier)}`);

  step(2, "The user approves on Flextell's consent page (simulated by POSTing the form)");
  const consent = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `${new URL(url).search.slice(1)}&decision=approve`,
    redirect: "manual",
  });
  const callbackUrl = consent.headers.get("location");
  console.log(`   redirected to ${callbackUrl.replace(/code=[^&]+/, "code=…")}`);

  step(3, "Parse the callback (state checked in constant time)");
  const { code } = flextell.parseCallback(callbackUrl, { state });
  console.log(`   code ${short(code)}`);

  step(4, "Exchange the code for tokens");
  const tokens = await flextell.exchangeCode(code, { codeVerifier });
  console.log(`   ${tokens}`);
  console.log(`   expires in ${Math.round((tokens.expiresAt - Date.now()) / 1000)} s`);

  step(5, "Call the API with the access token");
  const me = await fetch(flextell.authorize(new Request(`${origin}/api/v1/users/me`), tokens));
  console.log(`   GET /api/v1/users/me → ${me.status} ${JSON.stringify(await me.json())}`);

  step(6, "Refresh (Flextell rotates refresh tokens: store the new set)");
  const fresh = await flextell.refresh(tokens.refreshToken);
  console.log(`   new refresh token differs from the old: ${fresh.refreshToken !== tokens.refreshToken}`);

  step(7, "The old refresh token is now dead");
  try {
    await flextell.refresh(tokens.refreshToken);
  } catch (e) {
    if (!(e instanceof CrmAuthError)) throw e;
    console.log(`   CrmAuthError ${e.code} / ${e.error} (HTTP ${e.status}): ${e.message}`);
  }

  step(8, "Log tokens safely: toJSON, toString and inspect are redacted");
  console.log(`   JSON.stringify(tokens) = ${JSON.stringify(fresh)}`);
  console.log(`   String(tokens)         = ${fresh}`);
  console.log("\nDone: the whole flow ran against the simulator.");
} finally {
  await sim.close();
}
