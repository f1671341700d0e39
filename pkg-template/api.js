// The public surface, shared by every runtime entry.
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
export { CrmAuthError } from "./errors.js";
