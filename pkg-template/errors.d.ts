/** Stable error codes. */
export type CrmAuthErrorCode =
  | "invalid_argument"
  | "insecure_endpoint"
  | "secret_in_browser"
  | "state_mismatch"
  | "invalid_callback"
  | "authorization_denied"
  | "oauth_error"
  | "otp_required"
  | "invalid_response"
  | "network_error"
  | "timeout"
  | "rate_limited"
  | "unsupported";

/** Every failure in crm-auth is a `CrmAuthError`. No secret ever appears in it. */
export declare class CrmAuthError extends Error {
  constructor(message: string, props?: Partial<Omit<CrmAuthError, "name" | "message">>);
  readonly name: "CrmAuthError";
  /** Stable machine-readable code. */
  readonly code: CrmAuthErrorCode;
  /** Which provider failed, e.g. `"flextell"`, `"oauth2"`. */
  readonly provider: string;
  /** HTTP status of the answer that caused the error, if any. */
  readonly status?: number;
  /** The provider's own error code (`invalid_grant`, `access_denied`, …). */
  readonly error?: string;
  /** The provider's description of its error. */
  readonly errorDescription?: string;
  /** Seconds to wait before retrying (`rate_limited`). */
  readonly retryAfter?: number;
  toJSON(): {
    name: "CrmAuthError"; code: CrmAuthErrorCode; provider: string; message: string;
    status?: number; error?: string; errorDescription?: string; retryAfter?: number;
  };
}
