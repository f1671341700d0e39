// Type-checked with customConditions ["workerd"] (tsconfig.workerd.json): the workerd entry's types.
import { TokenStoreObject, Flextell } from "crm-auth";

export { TokenStoreObject };
export const flextell = new Flextell({ clientId: "consumer", clientSecret: "s3cret", redirectUri: "https://app.example/callback" });
