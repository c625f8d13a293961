/**
 * The policy pack's configuration: the posture thresholds of the shared catalog
 * (`POSTURE_THRESHOLDS`, which `ekm audit` judges against too), each overridable per policy
 * through a policy config file (`pulumi preview --policy-pack <dir> --policy-pack-config <file>`),
 * plus the pack's one switch, `allowDocumentedPolicy`.
 * https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { POSTURE_THRESHOLDS } from "../sdk/contract/posture";

/** The JSON schema of one config property (`@pulumi/policy` does not export its name for it). */
export type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

/** What the judges compare against. */
export interface PolicyThresholds {
  /** Longest acceptable rotation period, days. */
  readonly maxRotationPeriodDays: number;
  /** Smallest acceptable RSA key size, bits. */
  readonly minRsaKeySize: number;
  /** Shortest acceptable KMS pending-deletion window, days. */
  readonly minDeletionWindowDays: number;
  /** How far back an activation date may lie, days. */
  readonly maxActivationPastDays: number;
  /** Accept `policy: "documented"` (the product documentation's IAM policy) instead of refusing it. */
  readonly allowDocumentedPolicy: boolean;
}

/** The thresholds when the policy config sets none. */
export const DEFAULT_THRESHOLDS: PolicyThresholds = {
  maxRotationPeriodDays: POSTURE_THRESHOLDS.maxRotationPeriodDays,
  minRsaKeySize: POSTURE_THRESHOLDS.minRsaKeySize,
  minDeletionWindowDays: POSTURE_THRESHOLDS.minDeletionWindowDays,
  maxActivationPastDays: POSTURE_THRESHOLDS.maxActivationPastDays,
  allowDocumentedPolicy: false,
};

/** The JSON schema of each threshold, as a policy's `configSchema` declares it (the engine validates the config file against it). */
export const THRESHOLD_SCHEMAS: { readonly [K in keyof PolicyThresholds]: PolicyConfigJSONSchema } = {
  maxRotationPeriodDays: {
    type: "integer",
    minimum: 1,
    default: DEFAULT_THRESHOLDS.maxRotationPeriodDays,
    description: "Longest acceptable automatic rotation period, in days (AWS KMS accepts 90-2560; Key Vault P7D or more).",
  },
  minRsaKeySize: { type: "integer", enum: [2048, 3072, 4096], default: DEFAULT_THRESHOLDS.minRsaKeySize, description: "Smallest acceptable RSA key size, in bits." },
  minDeletionWindowDays: {
    type: "integer",
    minimum: 7,
    maximum: 30,
    default: DEFAULT_THRESHOLDS.minDeletionWindowDays,
    description: "Shortest acceptable KMS pending-deletion window, in days (KMS accepts 7-30).",
  },
  maxActivationPastDays: {
    type: "integer",
    minimum: 0,
    default: DEFAULT_THRESHOLDS.maxActivationPastDays,
    description: "How many days in the past an activation date may lie before it is taken for a typo.",
  },
  allowDocumentedPolicy: {
    type: "boolean",
    default: DEFAULT_THRESHOLDS.allowDocumentedPolicy,
    description: 'Accept policy: "documented" (the product documentation\'s IAM policy, which isolates nothing) instead of refusing it.',
  },
};

/** `config` (what `args.getConfig()` returns: the file's values over the schema defaults) over the defaults. */
export function thresholds(config: Readonly<Record<string, unknown>> | undefined): PolicyThresholds {
  const out: Record<string, unknown> = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as (keyof PolicyThresholds)[]) {
    const v = config?.[key];
    if (v !== undefined && typeof v === typeof DEFAULT_THRESHOLDS[key]) out[key] = v;
  }
  return out as unknown as PolicyThresholds;
}
