import { apiError } from "./crm_auth.js";

/** The one error type crm-auth throws; `code` is stable, messages are not. */
export class CrmAuthError extends Error {
  constructor(message, props = {}) {
    super(message);
    this.name = "CrmAuthError";
    Object.assign(this, props);
  }

  toJSON() {
    const { name, code, provider, message, status, error, errorDescription, retryAfter } = this;
    return { name, code, provider, message, status, error, errorDescription, retryAfter };
  }
}

/** A `CrmAuthError` with `code` for `provider`. */
export function fail(provider, code, message, extra) {
  return new CrmAuthError(message, { code, provider, ...extra });
}

/** The wasm reports errors as JSON strings: `{code, message, provider, …}`. */
export function fromWasm(json) {
  const { message, ...props } = JSON.parse(json);
  return new CrmAuthError(message, props);
}

/** Runs a wasm call, turning its errors into `CrmAuthError`. */
export function wasm(f) {
  try {
    return f();
  } catch (e) {
    throw typeof e === "string" ? fromWasm(e) : e; // anything else (a trap) is a bug: let it surface
  }
}

/**
 * The error a provider reports inside a 2xx API answer (Flowlu's
 * `{error: {error_code, error_msg}}`), or null; `body` is its text or parsed JSON.
 */
export function providerApiError(name, body) {
  let json = typeof body === "string" ? body : undefined;
  if (json === undefined) {
    try {
      json = JSON.stringify(body) ?? "";
    } catch {
      json = "";
    }
  }
  const error = apiError(name, json);
  return error === "" ? null : fromWasm(error);
}
