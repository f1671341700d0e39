// workerd cold-start worker: arctic 3, bundled by esbuild (bench/coldstart.js).
import { OAuth2Client, CodeChallengeMethod, generateState, generateCodeVerifier } from "arctic";

export default {
  async fetch() {
    const client = new OAuth2Client("bench-client", null, "https://app.example/callback");
    const url = client.createAuthorizationURLWithPKCE("https://as.example/authorize", generateState(),
      CodeChallengeMethod.S256, generateCodeVerifier(), ["read", "write"]);
    return new Response(url.toString());
  },
};
