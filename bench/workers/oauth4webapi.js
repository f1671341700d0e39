// workerd cold-start worker: oauth4webapi 3, bundled by esbuild (bench/coldstart.js).
import { generateRandomState, generateRandomCodeVerifier, calculatePKCECodeChallenge } from "oauth4webapi";

export default {
  async fetch() {
    const state = generateRandomState();
    const challenge = await calculatePKCECodeChallenge(generateRandomCodeVerifier());
    const url = new URL("https://as.example/authorize");
    for (const [k, v] of [["response_type", "code"], ["client_id", "bench-client"],
      ["redirect_uri", "https://app.example/callback"], ["state", state],
      ["code_challenge_method", "S256"], ["code_challenge", challenge], ["scope", "read write"]]) {
      url.searchParams.set(k, v);
    }
    return new Response(url.href);
  },
};
