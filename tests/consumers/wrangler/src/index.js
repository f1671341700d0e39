import { authorizeUrl } from "./url.js";
// Only the workerd entry has it (it extends DurableObject from cloudflare:workers).
export { TokenStoreObject } from "crm-auth";

export default {
  fetch() {
    return new Response(authorizeUrl());
  },
};
