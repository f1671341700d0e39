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
