/**
 * The contract's data shapes that the package's public declarations name (the components'
 * `byokConfig`, the ByokConfiguration resource's outputs, the testing kit's options), as plain
 * TypeScript types.
 *
 * They restate what the zod schemas in ./schemas infer, and test/unit/sdk/publicTypes.test.ts
 * stops compiling when the two drift apart. They exist so that the declarations of
 * `pulumi-ekm`, `pulumi-ekm/components/*` and `pulumi-ekm/testing` never reach zod's: zod's
 * locale declarations only compile with `esModuleInterop`, which Pulumi's TypeScript project
 * templates do not set (https://github.com/pulumi/templates/blob/master/aws-typescript/tsconfig.json).
 * Only `pulumi-ekm/sdk`, which exposes the schemas themselves, names zod types.
 */

/** The customer's AWS KMS key and the role the platform assumes to use it. */
export interface AwsKeyReference {
  keyArn: string;
  roleArn: string;
}

/** The customer's Azure Key Vault key; without `keyVersion` the key is versionless and follows the newest version. */
export interface AzureKeyReference {
  vaultUrl: string;
  tenantId: string;
  keyName: string;
  keyVersion?: string | undefined;
}

/** An AWS KMS key, tagged with its cloud: `{provider: "aws", aws: {keyArn, roleArn}}`. */
export interface AwsByokKeyConfig {
  provider: "aws";
  aws: AwsKeyReference;
}

/** An Azure Key Vault key, tagged with its cloud: `{provider: "azure", azure: {vaultUrl, tenantId, keyName, keyVersion?}}`. */
export interface AzureByokKeyConfig {
  provider: "azure";
  azure: AzureKeyReference;
}

/**
 * The customer's key, without the lifecycle fields: what a ByokKey component's `byokConfig`
 * outputs, what a ByokConfiguration's `config` takes, and the key part of every BYOK body.
 */
export type ByokKeyConfig = AwsByokKeyConfig | AzureByokKeyConfig;

/** Body of `PUT .../key-management/byok` and `POST .../byok:validate`: the key plus its lifecycle fields. */
export type PutByokRequest = (AwsByokKeyConfig | AzureByokKeyConfig) & { nickname: string; activationDate: string };

/** Why new content uses the platform key although BYOK is configured, and since when. */
export interface Fallback {
  reason: string;
  since: string;
}

/**
 * The configuration's lifecycle status:
 * `pending-activation` before the activation date, `active` when the key is in use,
 * `degraded` when the key stopped working and content falls back to the platform key,
 * `invalid` when the last validation failed, `reverting` while a revert to platform-managed keys
 * (DELETE) re-wraps data keys: it survives a restart and the platform resumes it.
 */
export type ByokStatus = "pending-activation" | "active" | "degraded" | "invalid" | "reverting";

/** Which key really protects new content right now. */
export type EffectiveKeySource = "platform" | "byok" | "platform-fallback";

/**
 * How one step ended: `ok`, `failed`, or `skipped` because an earlier step failed (no KMS call
 * can succeed once the role cannot be assumed or the key is disabled).
 */
export type CheckStatus = "ok" | "failed" | "skipped";

/** One step of the validation chain (e.g. `sts:AssumeRole`, `kms:GenerateDataKey`). */
export interface ValidationCheck {
  name: string;
  status: CheckStatus;
  message: string;
}

/** When the validation ran: a dry run, at registration, or a periodic health check. */
export type ValidationPhase = "dry-run" | "registration" | "health-check";

/** The checks of one validation run; `ok` is true when every check's status is `ok`. */
export interface Validation {
  phase: ValidationPhase;
  checkedAt: string;
  ok: boolean;
  checks: ValidationCheck[];
}

/** `GET .../key-management/trust` answer: what the customer's key policy or role assignment must trust. */
export interface TrustResponse {
  accountId: string;
  aws: { principalArn: string; externalId: string } | null;
  azure: { applicationId: string } | null;
}
