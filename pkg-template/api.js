// The public surface, shared by every runtime entry. The wasm exports one
// class per kind of flow; each provider here is a thin subclass that names
// itself, so the wasm carries each method once.
import {
  CodeFlowClient,
  PasswordClient,
  ApiKeyCredentials,
  HmacSigner,
  TokenSet,
  flowluApiError,
} from "./crm_auth.js";

export { ApiKeyCredentials, HmacSigner, TokenSet };
export { CrmAuthError } from "./errors.js";

export class Flextell extends CodeFlowClient {
  constructor(options) {
    super("flextell", options);
  }
}

export class Flexie extends CodeFlowClient {
  constructor(options) {
    super("flexie", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials("flexie", options);
  }
}

export class AgileCrm extends CodeFlowClient {
  constructor(options) {
    super("agilecrm", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials("agilecrm", options);
  }
}

export class OAuth2 extends CodeFlowClient {
  constructor(options) {
    super("oauth2", options);
  }
}

export class Flowlu extends PasswordClient {
  constructor(options) {
    super("flowlu", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials("flowlu", options);
  }
  static apiError(body) {
    return flowluApiError(body);
  }
}

export class Virtuous extends PasswordClient {
  constructor(options) {
    super("virtuous", options);
  }
  static apiKey(options) {
    return new ApiKeyCredentials("virtuous", options);
  }
}
