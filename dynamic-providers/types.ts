/**
 * The wire shapes of the ByokConfiguration dynamic resource: its inputs and outputs as the
 * engine stores them and hands them to the provider. Types only: nothing here runs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ByokKeyConfig, ByokStatus, EffectiveKeySource, Fallback, Validation } from "../sdk/types";

/** `T` as resource arguments take it: every member a `pulumi.Input`, nested objects too (optional members stay optional). */
export type Inputs<T> = { readonly [K in keyof T]: T[K] extends object | undefined ? pulumi.Input<Inputs<NonNullable<T[K]>>> : pulumi.Input<T[K]> };

/**
 * A tagged union as resource arguments take it: `provider` stays a plain literal, so TypeScript
 * still narrows on it, and every other member is an Input.
 */
export type TaggedInputs<T> = T extends { provider: string } ? { readonly provider: T["provider"] } & Omit<Inputs<T>, "provider"> : never;

/** Which key to register, as an argument: `ByokKeyConfig` (sdk/schemas) with Inputs, e.g. a ByokKey component's `byokConfig`. */
export type ByokKeyConfigInput = TaggedInputs<ByokKeyConfig>;

/**
 * The inputs of the resource once resolved (what `check`, `diff`, `create` and `update` receive).
 * @internal
 */
export interface ByokInputs {
  readonly accountId: string;
  readonly config: ByokKeyConfig;
  readonly nickname: string;
  readonly activationDate: string;
  readonly adoptExisting?: boolean;
  readonly forceRevertOnDelete?: boolean;
}

/**
 * The outputs: the inputs as the platform holds them (so `diff` and refresh compare against the
 * live configuration) plus the platform's view of the key.
 */
export interface ByokOutputs extends ByokInputs {
  readonly adoptExisting: boolean;
  readonly forceRevertOnDelete: boolean;
  readonly status: ByokStatus;
  readonly effectiveKeySource: EffectiveKeySource;
  readonly validation: Validation;
  readonly etag: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly platformKeyVersion: string;
  /** Azure: the exact Key Vault key version that wraps new data keys (see `StoredByokConfiguration.keyVersionInUse`); absent for AWS or while unknown. */
  readonly keyVersionInUse?: string;
  /** Present only while new content falls back to the platform key. */
  readonly fallback?: Fallback;
}

/**
 * A property bag as the engine hands it over: anything may be missing, malformed or unknown.
 * @internal
 */
export type PropertyBag = Readonly<Record<string, unknown>>;

/**
 * The value the engine sends for an input that is not known yet (during preview).
 * https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/runtime/rpc.ts (`unknownValue`)
 * @internal
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * True when `value` is the engine's unknown sentinel.
 * @internal
 */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/**
 * True when `value` or anything inside it is unknown.
 * @internal
 */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
