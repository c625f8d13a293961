/** The one mapping of domain errors to HTTP statuses (RFC 9110, RFC 6585 for 428, RFC 4918 for 424). */
import type { DomainError, DomainErrorKind } from "../errors";
import { HttpError } from "./httpError";

/** The status of each kind of domain error. */
export const STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = {
  "not-found": 404,
  conflict: 409,
  "precondition-failed": 412,
  "precondition-required": 428,
  "validation-failed": 422,
  "invalid-content": 400,
  "dependency-failed": 424,
  unavailable: 503,
};

/** The HTTP answer of a domain error. */
export function toHttpError(err: DomainError): HttpError {
  const { field, checks, details, retryAfterSeconds } = err.extra;
  return new HttpError(STATUS_OF_KIND[err.kind], err.code, err.message, {
    field,
    checks: checks ? [...checks] : undefined,
    details: details ? { ...details } : undefined,
    headers: retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : undefined,
  });
}
