/**
 * The wire shapes of the ByokConfiguration dynamic resource: its inputs and outputs as the
 * engine stores them and hands them to the provider. Types only: nothing here runs.
 */
import type { AwsKeyReference, AzureKeyReference, ByokStatus, EffectiveKeySource, Validation } from "../sdk/schemas";

/** The customer's key, without the lifecycle fields: what the components' `byokConfig` outputs. */
export type ByokKeyConfig = { readonly provider: "aws"; readonly aws: AwsKeyReference } | { readonly provider: "azure"; readonly azure: AzureKeyReference };

/** The inputs of the resource once resolved (what `check`, `diff`, `create` and `update` receive). */
export interface ByokInputs {
  readonly accountId: string;
  readonly config: ByokKeyConfig;
  readonly nickname: string;
  readonly activationDate: string;
  readonly adoptExisting?: boolean;
  readonly forceRevertOnDelete?: boolean;
}

/** Why new content falls back to the platform key. */
export interface ByokFallback {
  readonly reason: string;
  readonly since: string;
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
  /** Present only while new content falls back to the platform key. */
  readonly fallback?: ByokFallback;
}

/** A property bag as the engine hands it over: anything may be missing, malformed or unknown. */
export type PropertyBag = Readonly<Record<string, unknown>>;

/**
 * The value the engine sends for an input that is not known yet (during preview).
 * https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/runtime/rpc.ts (`unknownValue`)
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is the engine's unknown sentinel. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True when `value` or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
