/**
 * BYOK configuration: the customer's key on AWS KMS or Azure Key Vault, registered
 * for a whole account (one configuration per account).
 */
import { z } from "zod";
import { ActivationDate, KeyVaultKeyName, KeyVaultKeyVersion, KmsKeyArn, Nickname, RoleArn, TenantId, Timestamp, VaultUrl } from "./formats";
import { Validation } from "./validation";

/** The customer's AWS KMS key and the role the platform assumes to use it. */
export const AwsKeyReference = z.strictObject({
  keyArn: KmsKeyArn,
  roleArn: RoleArn,
});
/** The customer's AWS KMS key and role. */
export type AwsKeyReference = z.infer<typeof AwsKeyReference>;

/** The customer's Azure Key Vault key; without `keyVersion` the key is versionless and follows the newest version. */
export const AzureKeyReference = z.strictObject({
  vaultUrl: VaultUrl,
  tenantId: TenantId,
  keyName: KeyVaultKeyName,
  keyVersion: KeyVaultKeyVersion.optional(),
});
/** The customer's Azure Key Vault key. */
export type AzureKeyReference = z.infer<typeof AzureKeyReference>;

const lifecycle = {
  nickname: Nickname,
  activationDate: ActivationDate,
};

/** `PUT .../key-management/byok` and `POST .../byok:validate` body for AWS KMS. */
export const AwsByokRequest = z.strictObject({ provider: z.literal("aws"), aws: AwsKeyReference, ...lifecycle });
/** `PUT .../key-management/byok` and `POST .../byok:validate` body for Azure Key Vault. */
export const AzureByokRequest = z.strictObject({ provider: z.literal("azure"), azure: AzureKeyReference, ...lifecycle });

/** The BYOK configuration a client asks for: idempotent upsert body of `PUT .../byok`. */
export const PutByokRequest = z.discriminatedUnion("provider", [AwsByokRequest, AzureByokRequest], {
  error: (iss) =>
    iss.code === "invalid_union" ? `provider must be "aws" or "azure"; received ${JSON.stringify((iss.input as { provider?: unknown })?.provider ?? null)}` : undefined,
});
/** Body of `PUT .../byok` and `POST .../byok:validate`. */
export type PutByokRequest = z.infer<typeof PutByokRequest>;

/** `PATCH .../byok` body (with `If-Match`): only the lifecycle fields change in place. */
export const PatchByokRequest = z
  .strictObject({ nickname: Nickname.optional(), activationDate: ActivationDate.optional() })
  .refine((b) => b.nickname !== undefined || b.activationDate !== undefined, {
    message: "give nickname or activationDate (or both); to change the key itself use PUT",
  });
/** Body of `PATCH .../byok`. */
export type PatchByokRequest = z.infer<typeof PatchByokRequest>;

/**
 * The configuration's lifecycle status:
 * `pending-activation` before the activation date, `active` when the key is in use,
 * `degraded` when the key stopped working and content falls back to the platform key,
 * `invalid` when the last validation failed.
 */
export const ByokStatus = z.enum(["pending-activation", "active", "degraded", "invalid"]);
/** The configuration's lifecycle status. */
export type ByokStatus = z.infer<typeof ByokStatus>;

const stored = {
  ...lifecycle,
  status: ByokStatus,
  validation: Validation,
  etag: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** A stored BYOK configuration, as `GET/PUT/PATCH .../byok` return it. */
export const ByokConfiguration = z.discriminatedUnion("provider", [
  z.strictObject({ provider: z.literal("aws"), aws: AwsKeyReference, ...stored }),
  z.strictObject({ provider: z.literal("azure"), azure: AzureKeyReference, ...stored }),
]);
/** A stored BYOK configuration. */
export type ByokConfiguration = z.infer<typeof ByokConfiguration>;

/** `POST .../byok:validate` answer: what registering would find, with nothing stored. */
export const ValidateByokResponse = z.strictObject({ validation: Validation });
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
