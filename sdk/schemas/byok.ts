/**
 * BYOK configuration: the customer's key on AWS KMS or Azure Key Vault, registered
 * for a whole account (one configuration per account).
 */
import { z } from "zod";
import { ActivationDate, KeyVaultKeyName, KeyVaultKeyVersion, KmsKeyArn, Nickname, RoleArn, TenantId, Timestamp, VaultUrl } from "./formats";
import { canonicalJson } from "./canonical";
import { Validation } from "./validation";

/** The customer's AWS KMS key and the role the platform assumes to use it. */
export const AwsKeyReference = z.strictObject({
  /** The KMS key ARN (not an alias ARN), e.g. `arn:aws:kms:us-east-1:111122223333:key/1234abcd-…`. */
  keyArn: KmsKeyArn,
  /** The IAM role ARN the platform assumes with the account's external ID. */
  roleArn: RoleArn,
});
/** The customer's AWS KMS key and role. */
export type AwsKeyReference = z.infer<typeof AwsKeyReference>;

/** The customer's Azure Key Vault key; without `keyVersion` the key is versionless and follows the newest version. */
export const AzureKeyReference = z.strictObject({
  /** The vault's URL, e.g. `https://contoso-byok.vault.azure.net/`. */
  vaultUrl: VaultUrl,
  /** The Microsoft Entra tenant ID of the vault (a GUID). */
  tenantId: TenantId,
  /** The key's name in the vault. */
  keyName: KeyVaultKeyName,
  /** A key version (32 hex characters) to pin the key to; without it the platform follows the key's newest version. */
  keyVersion: KeyVaultKeyVersion.optional(),
});
/** The customer's Azure Key Vault key. */
export type AzureKeyReference = z.infer<typeof AzureKeyReference>;

/** The message of a body whose `provider` is neither cloud. */
function providerError(iss: { code: string; input?: unknown }): string | undefined {
  return iss.code === "invalid_union" ? `provider must be "aws" or "azure"; received ${JSON.stringify((iss.input as { provider?: unknown })?.provider ?? null)}` : undefined;
}

/** An AWS KMS key, tagged with its cloud: `{provider: "aws", aws: {keyArn, roleArn}}`. */
export const AwsByokKeyConfig = z.strictObject({ provider: z.literal("aws"), aws: AwsKeyReference });
/** An AWS KMS key, tagged with its cloud. */
export type AwsByokKeyConfig = z.infer<typeof AwsByokKeyConfig>;

/** An Azure Key Vault key, tagged with its cloud: `{provider: "azure", azure: {vaultUrl, tenantId, keyName, keyVersion?}}`. */
export const AzureByokKeyConfig = z.strictObject({ provider: z.literal("azure"), azure: AzureKeyReference });
/** An Azure Key Vault key, tagged with its cloud. */
export type AzureByokKeyConfig = z.infer<typeof AzureByokKeyConfig>;

/**
 * The customer's key, without the lifecycle fields: what a ByokKey component's `byokConfig`
 * outputs, what a ByokConfiguration's `config` takes, and the key part of every BYOK body.
 */
export const ByokKeyConfig = z.discriminatedUnion("provider", [AwsByokKeyConfig, AzureByokKeyConfig], { error: providerError });
/** The customer's key: an AWS KMS key or an Azure Key Vault key. */
export type ByokKeyConfig = z.infer<typeof ByokKeyConfig>;

/**
 * The key part of a body that carries one (a request or a stored configuration), in canonical
 * form: only `provider` and its reference, keys sorted, no undefined members.
 */
export function keyConfigOf(c: ByokKeyConfig): ByokKeyConfig {
  const key = c.provider === "aws" ? { provider: c.provider, aws: c.aws } : { provider: c.provider, azure: c.azure };
  // A JSON round trip of a ByokKeyConfig is a ByokKeyConfig.
  return JSON.parse(canonicalJson(key)) as ByokKeyConfig;
}

const lifecycle = {
  nickname: Nickname,
  activationDate: ActivationDate,
};

/** `PUT .../key-management/byok` and `POST .../byok:validate` body for AWS KMS. */
export const AwsByokRequest = AwsByokKeyConfig.extend(lifecycle);
/** `PUT .../key-management/byok` and `POST .../byok:validate` body for Azure Key Vault. */
export const AzureByokRequest = AzureByokKeyConfig.extend(lifecycle);

/** The BYOK configuration a client asks for: idempotent upsert body of `PUT .../byok`. */
export const PutByokRequest = z.discriminatedUnion("provider", [AwsByokRequest, AzureByokRequest], { error: providerError });
/** Body of `PUT .../byok` and `POST .../byok:validate`. */
export type PutByokRequest = z.infer<typeof PutByokRequest>;

/** `PATCH .../byok` body (with `If-Match`): only the lifecycle fields change in place. */
export const PatchByokRequest = z
  .strictObject({ nickname: Nickname.optional(), activationDate: ActivationDate.optional() })
  .refine((b) => b.nickname !== undefined || b.activationDate !== undefined, {
    message: "give nickname or activationDate (or both); to change the key itself use PUT",
  })
  // The refinement above, as the OpenAPI document states it.
  .meta({ minProperties: 1 });
/** Body of `PATCH .../byok`. */
export type PatchByokRequest = z.infer<typeof PatchByokRequest>;

/**
 * The configuration's lifecycle status:
 * `pending-activation` before the activation date, `active` when the key is in use,
 * `degraded` when the key stopped working and content falls back to the platform key,
 * `invalid` when the last validation failed, `reverting` while a revert to platform-managed keys
 * (DELETE) re-wraps data keys: it survives a restart and the platform resumes it.
 */
export const ByokStatus = z.enum(["pending-activation", "active", "degraded", "invalid", "reverting"]);
/** The configuration's lifecycle status. */
export type ByokStatus = z.infer<typeof ByokStatus>;

const stored = {
  ...lifecycle,
  status: ByokStatus,
  /**
   * Azure: the exact Key Vault key version that wraps new data keys — `keyVersion` when pinned; when
   * versionless, the key's newest version as the platform last saw it (at registration, then each
   * time it wraps a new data key, so it follows a rotation once cached data keys expire). AWS: null
   * (KMS does not say which backing key of a key it uses).
   */
  keyVersionInUse: KeyVaultKeyVersion.nullable(),
  validation: Validation,
  etag: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/**
 * A stored BYOK configuration, as `GET/PUT/PATCH .../byok` return it. (The Pulumi resource that
 * manages it is `ByokConfiguration`, in `dynamic-providers/`.)
 */
export const StoredByokConfiguration = z.discriminatedUnion("provider", [AwsByokKeyConfig.extend(stored), AzureByokKeyConfig.extend(stored)]);
/** The fields every stored configuration has besides its key (what `ByokRegistration` extends). */
export const STORED_FIELDS = stored;
/** A stored BYOK configuration. */
export type StoredByokConfiguration = z.infer<typeof StoredByokConfiguration>;

/** The shape of a validation id: `val_` and 32 base64url characters (192 random bits). */
export const VALIDATION_ID_PATTERN = "^val_[A-Za-z0-9_-]{32}$";

/**
 * `POST .../byok:validate` answer: what registering would find, with nothing stored. A successful
 * validation carries a validation id: `PUT .../byok` may present it once, before it expires, for the
 * same account and exactly the same key, and stores this validation instead of repeating the round trip.
 */
export const ValidateByokResponse = z.strictObject({
  validation: Validation,
  validationId: z.string().regex(new RegExp(VALIDATION_ID_PATTERN)).optional(),
  validationExpiresAt: Timestamp.optional(),
});
/** `POST .../byok:validate` answer. */
export type ValidateByokResponse = z.infer<typeof ValidateByokResponse>;

/** `DELETE .../byok` answer: how many data keys were re-wrapped under the platform key, and how many were unreadable. */
export const DeleteByokResponse = z.strictObject({
  reverted: z.boolean(),
  rewrappedDataKeys: z.number().int().nonnegative(),
  unreadableDataKeys: z.number().int().nonnegative(),
  unreadableMessages: z.number().int().nonnegative(),
});
/** `DELETE .../byok` answer. */
export type DeleteByokResponse = z.infer<typeof DeleteByokResponse>;
