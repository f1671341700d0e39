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
