/** The typed error every PlatformClient call throws. */
import type { ValidationCheck } from "../types";

/** Everything known about a failed platform call. The bearer token is never part of it. */
export interface PlatformErrorInit {
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  /** The server's error code, or a client-side one: `network_error`, `timeout`, `invalid_response`, `not_json`. */
  readonly code: string;
  /** The server's message, or the client's description; becomes `PlatformError.reason`. */
  readonly message: string;
  /** The request id sent as `x-request-id` (the server echoes it in its logs). */
  readonly requestId: string;
  /** The offending field, when the server named one. */
  readonly field?: string;
  /** Validation checks, when a key validation failed (422). */
  readonly checks?: readonly ValidationCheck[];
  /** Extra counts or facts, e.g. `affectedMessages` on a refused revert. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** Method and path of the call, for messages. */
  readonly operation: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs?: number;
}

/** A platform API call that failed: carries the HTTP status, the error code, the request id and the server's message. */
export class PlatformError extends Error {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** Machine-readable error code. */
  readonly code: string;
  /**
   * What went wrong, as the server said it (or the client's description when no answer came),
   * without the `METHOD /path failed (…)` prefix that `message` adds: quote this in messages of your own.
   */
  readonly reason: string;
  /** Request id of the last attempt. */
  readonly requestId: string;
  /** The field the server named, if any. */
  readonly field?: string;
  /** The validation checks, when a key validation failed. */
  readonly checks?: readonly ValidationCheck[];
  /** Extra facts the server reported. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** `METHOD /path` of the call. */
  readonly operation: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(init: PlatformErrorInit) {
    super(`${init.operation} failed (${init.status || "no response"} ${init.code}, request ${init.requestId}): ${init.message}`);
    this.name = "PlatformError";
    this.status = init.status;
    this.code = init.code;
    this.reason = init.message;
    this.requestId = init.requestId;
    this.field = init.field;
    this.checks = init.checks;
    this.details = init.details;
    this.operation = init.operation;
    this.attempts = init.attempts;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** True when `err` is a PlatformError with the given status (and code, if given). */
export function isPlatformError(err: unknown, status?: number, code?: string): err is PlatformError {
  return err instanceof PlatformError && (status === undefined || err.status === status) && (code === undefined || err.code === code);
}
