// In-process customer keys for unit tests of the dynamic provider: the platform runs for real
// (HTTP, SQLite, envelope encryption), only the customer's KMS / Key Vault is simulated. The
// integration test (test/integration/dynamic-providers) uses the real AWS path against moto.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AWS_ACTIONS, AWS_VALIDATION_STEPS, AZURE_VALIDATION_STEPS, KEY_VAULT_OPERATIONS } from "../../../sdk/contract";
import type { ValidationCheck } from "../../../sdk/schemas";
import { CustomerKeyError, type CustomerKey, type CustomerKeyErrorKind } from "../../../platform/customer-keys/types";
import type { CustomerKeyFactory } from "../../../platform";

const AWS_STEPS: readonly string[] = AWS_VALIDATION_STEPS;
const AZURE_STEPS: readonly string[] = AZURE_VALIDATION_STEPS;

interface FakeKey {
  readonly material: Buffer;
  /** The first step that fails, its message, and how. */
  broken?: { readonly step: string; readonly message: string; readonly kind: CustomerKeyErrorKind };
}

/** A simulated KMS holding keys by reference (key ARN, or vault URL + key name). */
export class FakeKms {
  readonly #keys = new Map<string, FakeKey>();

  /** Makes a key usable. */
  add(ref: string): void {
    this.#keys.set(ref, { material: randomBytes(32) });
  }

  /** Makes `step` (and every later one) fail for the key: refused by default, or `unavailable` like an outage. */
  break(ref: string, step: string, message: string, kind: CustomerKeyErrorKind = "access-denied"): void {
    this.#require(ref).broken = { step, message, kind };
  }

  /** Makes the key work again. */
  heal(ref: string): void {
    this.#require(ref).broken = undefined;
  }

  #require(ref: string): FakeKey {
    const key = this.#keys.get(ref);
    if (!key) throw new Error(`fake KMS: no key ${ref}`);
    return key;
  }

  /** The platform's customer-key factory over this KMS. */
  readonly factory: CustomerKeyFactory = (accountId, record) => {
    const aws = record.provider === "aws";
    const reference = record.reference as { keyArn?: string; roleArn?: string; vaultUrl?: string; keyName?: string };
    const ref = aws ? String(reference.keyArn) : `${reference.vaultUrl}keys/${reference.keyName}`;
    const steps = aws ? AWS_STEPS : AZURE_STEPS;
    const failure = (action: string, keyRef = ref): CustomerKeyError | undefined => {
      const key = this.#keys.get(keyRef);
      if (!key) return new CustomerKeyError("not-found", action, `${aws ? AWS_ACTIONS.describeKey : KEY_VAULT_OPERATIONS.getKey}: key ${keyRef} does not exist`);
      const broken = key.broken;
      if (broken && steps.indexOf(action) >= steps.indexOf(broken.step)) return new CustomerKeyError(broken.kind, broken.step, broken.message);
      return undefined;
    };
    // A configuration reaches only its own key, like the real clients: the component's
    // least-privilege role policy names the one key ARN (any other key is AccessDenied), and
    // the Azure client calls only the configured vault, with a role assignment on the key.
    const notOwned = (action: string, keyRef: string): CustomerKeyError | undefined => {
      if (keyRef === ref) return undefined;
      if (aws) return new CustomerKeyError("access-denied", action, `${action} denied: role ${reference.roleArn} is not authorized to use ${keyRef} (its policy allows only ${ref})`);
      if (!keyRef.startsWith(String(reference.vaultUrl))) {
        return new CustomerKeyError("invalid-key", action, `${action} refused: ${JSON.stringify(keyRef)} is not a key of vault ${reference.vaultUrl}`);
      }
      return new CustomerKeyError("access-denied", action, `${action} denied: the platform's role assignment covers ${ref}, not ${keyRef}`);
    };
    const aad = Buffer.from(accountId);
    const key: CustomerKey = {
      source: aws ? "byok-aws" : "byok-azure",
      async validate(): Promise<ValidationCheck[]> {
        let failed: string | undefined;
        return steps.map((name) => {
          if (failed) return { name, status: "skipped", message: `not run because ${failed} failed` };
          const err = failure(name);
          if (err) {
            failed = name;
            return { name, status: "failed", message: err.message };
          }
          return { name, status: "ok", message: `${name} succeeded on ${ref}` };
        });
      },
      generateDataKey: async () => {
        const err = failure(steps[steps.length - 2]);
        if (err) throw err;
        const plaintext = randomBytes(32);
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", this.#require(ref).material, iv).setAAD(aad);
        const wrapped = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
        return { plaintext, wrapped, keyRef: ref, keyVersion: aws ? ref : `${ref}/v1` };
      },
      unwrapDataKey: async (wrapped: Buffer, keyRef: string) => {
        const action = steps[steps.length - 1];
        const err = notOwned(action, keyRef) ?? failure(action, keyRef);
        if (err) throw err;
        try {
          const decipher = createDecipheriv("aes-256-gcm", this.#require(keyRef).material, wrapped.subarray(0, 12)).setAAD(aad);
          decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
          return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
        } catch {
          // Like KMS's IncorrectKeyException / InvalidCiphertextException: another key or another account's context.
          throw new CustomerKeyError("invalid-key", action, `${action} failed: the wrapped data key was not wrapped by ${keyRef} for account ${accountId}`);
        }
      },
    };
    return key;
  };
}
