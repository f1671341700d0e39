export { Flextell, OAuth2, TokenSet } from "./crm_auth.js";
export type {
  CommonOptions,
  FlextellOptions,
  OAuth2Options,
  AuthorizationRequestOptions,
  AuthorizationRequest,
  CallbackResult,
  TokenSetInit,
  TokenSetSummary,
} from "./crm_auth.js";
export { CrmAuthError } from "./errors.js";
export type { CrmAuthErrorCode } from "./errors.js";
