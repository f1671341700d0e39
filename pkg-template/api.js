// The public surface, shared by every runtime entry.
export { Flextell, OAuth2, TokenSet } from "./crm_auth.js";
export { CrmAuthError } from "./errors.js";
