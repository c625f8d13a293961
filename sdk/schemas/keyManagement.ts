/** An account's key-management state and what the customer must trust. */
import { z } from "zod";
import { AccountId, Timestamp } from "./formats";
import { AwsByokKeyConfig, AzureByokKeyConfig, STORED_FIELDS, StoredByokConfiguration } from "./byok";

/** Which kind of key protects new content, from the account's configuration. */
export const KeyMode = z.enum(["platform-managed", "byok"]);
/** Which kind of key the account is configured for. */
export type KeyMode = z.infer<typeof KeyMode>;

/** Which key really protects new content right now. */
export const EffectiveKeySource = z.enum(["platform", "byok", "platform-fallback"]);
/** Which key really protects new content right now. */
export type EffectiveKeySource = z.infer<typeof EffectiveKeySource>;

/** The account's current platform key version; older versions stay for decryption. */
export const PlatformKeyInfo = z.strictObject({
  version: z.string(),
  createdAt: Timestamp,
  nextRotationAt: Timestamp,
  rotationPeriodDays: z.number().int().positive(),
});
/** The account's current platform key version. */
export type PlatformKeyInfo = z.infer<typeof PlatformKeyInfo>;

/** Why new content uses the platform key although BYOK is configured. */
export const Fallback = z.strictObject({ reason: z.string(), since: Timestamp });
/** Why new content falls back to the platform key. */
export type Fallback = z.infer<typeof Fallback>;

/** `GET /v1/accounts/{accountId}/key-management` answer. */
export const KeyManagementState = z.strictObject({
  accountId: AccountId,
  mode: KeyMode,
  effectiveKeySource: EffectiveKeySource,
  fallback: Fallback.nullable(),
  platformKey: PlatformKeyInfo,
  byok: StoredByokConfiguration.nullable(),
});
/** An account's key-management state. */
export type KeyManagementState = z.infer<typeof KeyManagementState>;

/** `GET .../key-management/trust` answer: what the customer's key policy or role assignment must trust. */
export const TrustResponse = z.strictObject({
  accountId: AccountId,
  aws: z.strictObject({ principalArn: z.string(), externalId: z.string() }).nullable(),
  azure: z.strictObject({ applicationId: z.string() }).nullable(),
});
/** What the customer must trust. */
export type TrustResponse = z.infer<typeof TrustResponse>;


/** What `PUT` and `PATCH .../byok` add to the stored configuration: the account's view of it, so one answer is the whole registration. */
const registration = {
  effectiveKeySource: EffectiveKeySource,
  fallback: Fallback.nullable(),
  platformKeyVersion: z.string(),
};

/**
 * `PUT` and `PATCH .../byok` answer: the stored configuration, which key protects new content now
 * (and why not BYOK, when it falls back), and the platform key version: everything a registration
 * needs in one answer.
 */
export const ByokRegistration = z.discriminatedUnion("provider", [AwsByokKeyConfig.extend(STORED_FIELDS).extend(registration), AzureByokKeyConfig.extend(STORED_FIELDS).extend(registration)]);
/** `PUT` and `PATCH .../byok` answer. */
export type ByokRegistration = z.infer<typeof ByokRegistration>;
