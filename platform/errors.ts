/**
 * The platform's domain errors: what went wrong in the terms of key management, independent of
 * HTTP. The HTTP edge maps each kind to a status in one place (`http/errorMapping.ts`); the JSON
 * body keeps the error's `code`, `message` and `field`.
 */
import type { ErrorCode, ValidationCheck } from "../sdk/schemas";

/** Every kind of domain error. */
export type DomainErrorKind =
  | "not-found"
  | "conflict"
  | "precondition-failed"
  | "precondition-required"
  | "validation-failed"
  | "invalid-content"
  | "dependency-failed"
  | "unavailable";

/** Facts an error carries besides its message. */
export interface DomainErrorExtra {
  /** The input field at fault, e.g. `azure.vaultUrl`. */
  readonly field?: string;
  /** The checks of a failed key validation. */
  readonly checks?: readonly ValidationCheck[];
  /** Counts and facts, e.g. `affectedMessages`. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** When the caller may try again, in seconds (unavailable). */
  readonly retryAfterSeconds?: number;
}

/** An error a caller caused or must know about; anything else is an internal error with no details. */
export abstract class DomainError extends Error {
  /** What kind of failure this is; the HTTP edge picks the status from it. */
  abstract readonly kind: DomainErrorKind;

  constructor(
    /** The machine-readable code clients switch on. */
    readonly code: ErrorCode,
    message: string,
    readonly extra: DomainErrorExtra = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The account, or the thing asked for, does not exist (or is another account's). */
export class NotFoundError extends DomainError {
  readonly kind = "not-found";
}

/** The request collides with work in progress or with what the account holds. */
export class ConflictError extends DomainError {
  readonly kind = "conflict";
}

/** An If-Match / If-None-Match precondition does not hold. */
export class PreconditionFailedError extends DomainError {
  readonly kind = "precondition-failed";
}

/** A change that needs a precondition (If-Match) came without one. */
export class PreconditionRequiredError extends DomainError {
  readonly kind = "precondition-required";
}

/** Well-formed input the platform refuses: a key that fails validation, a vault host it may not call. */
export class ValidationFailedError extends DomainError {
  readonly kind = "validation-failed";
}

/** Content that is not what the platform produced (a ciphertext of another account, or modified). */
export class InvalidContentError extends DomainError {
  readonly kind = "invalid-content";
}

/** The customer key the request depends on refuses or is gone. */
export class DependencyFailedError extends DomainError {
  readonly kind = "dependency-failed";
}

/** A service the platform needs did not answer; try again later. */
export class UnavailableError extends DomainError {
  readonly kind = "unavailable";
}
