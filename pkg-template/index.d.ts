export {
  Flextell,
  Flexie,
  AgileCrm,
  OAuth2,
  Flowlu,
  Virtuous,
  ApiKeyCredentials,
  HmacSigner,
  TokenSet,
} from "./crm_auth.js";
export type {
  CommonOptions,
  CodeFlowMethods,
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
  HmacSignerOptions,
  SignatureInput,
  AuthorizationRequestOptions,
  AuthorizationRequest,
  CallbackResult,
  TokenSetInit,
  TokenSetSummary,
} from "./crm_auth.js";
export { CrmAuthError } from "./errors.js";
export type { CrmAuthErrorCode } from "./errors.js";
