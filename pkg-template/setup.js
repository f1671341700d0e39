// Run once by each entry after the wasm module is instantiated.
import { __setErrorClass, TokenSet } from "./crm_auth.js";
import { CrmAuthError } from "./errors.js";

export function finishInit() {
  __setErrorClass(CrmAuthError);
  // Node's util.inspect would otherwise show the raw wasm pointer object.
  TokenSet.prototype[Symbol.for("nodejs.util.inspect.custom")] = function () {
    return this.toString();
  };
}
