/**
 * What the platform needs from a customer's key, whatever cloud holds it: a validation
 * chain, data keys wrapped by the key, and unwrapping. AWS (`./aws`) and Azure (`./azure`)
 * implement it; the platform's envelope encryption, fallback and revert use only this.
 */
import type { ValidationCheck } from "../../sdk/schemas";

/** A fresh data key: the plaintext (kept in memory only) and the same key wrapped by the customer key. */
export interface WrappedDataKey {
  /** 32 random bytes: the AES-256 data key. Never stored or logged. */
  readonly plaintext: Buffer;
  /** The data key wrapped by the customer key (KMS ciphertext blob, or RSA-OAEP-256 output). */
  readonly wrapped: Buffer;
  /** The exact customer key that wrapped it: the KMS key ARN, or the vault key id with its version. */
  readonly keyRef: string;
  /** The key version reported to clients (`keyVersion` in encrypt/decrypt answers). */
  readonly keyVersion: string;
}

/** Why a customer key could not be used; the platform maps each kind to fallback or a 424. */
export type CustomerKeyErrorKind =
  | "access-denied"
  | "not-found"
  | "disabled"
  | "pending-deletion"
  | "expired"
  | "invalid-key"
  | "unavailable"
  | "timeout";

/** A customer key operation failed. `message` says which action failed and how to fix it; it never holds credentials. */
export class CustomerKeyError extends Error {
  /** What went wrong, in a form the platform can act on. */
  readonly kind: CustomerKeyErrorKind;
  /** The action that failed, e.g. `kms:GenerateDataKey` or `keys/wrap`. */
  readonly action: string;

  constructor(kind: CustomerKeyErrorKind, action: string, message: string) {
    super(message);
    this.name = "CustomerKeyError";
    this.kind = kind;
    this.action = action;
  }
}

/** A customer key the platform can use for one account. */
export interface CustomerKey {
  /** `byok-aws` or `byok-azure`. */
  readonly source: "byok-aws" | "byok-azure";
  /**
   * Runs the validation chain (e.g. AssumeRole, DescribeKey, GenerateDataKey, Decrypt) with real
   * calls. Never throws for a failed step: each step is a check with an actionable message.
   */
  validate(): Promise<ValidationCheck[]>;
  /** Generates a data key wrapped by the customer key. Throws CustomerKeyError. */
  generateDataKey(): Promise<WrappedDataKey>;
  /** Unwraps a data key wrapped by `keyRef`. Throws CustomerKeyError. */
  unwrapDataKey(wrapped: Buffer, keyRef: string): Promise<Buffer>;
  /**
   * The key version the last successful read of the key found current (Azure Key Vault: the
   * version new data keys are wrapped with); undefined before a read, and for keys without
   * visible versions (AWS KMS).
   */
  keyVersionInUse?(): string | undefined;
}
