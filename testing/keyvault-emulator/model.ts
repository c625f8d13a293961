/**
 * The emulator's persistent state: vaults with their keys and deleted keys, Entra service
 * principals per tenant, and data-action grants. Plain JSON so that the data directory can be
 * read by a person; private keys are PKCS#8 PEM (this is a test emulator, not a key store).
 */
import type { KeyDataAction } from "./facts";

/** Key types the emulator creates. */
export type KeyType = "RSA" | "RSA-HSM" | "EC" | "EC-HSM";

/** Elliptic curves, named as Key Vault names them. */
export type Curve = "P-256" | "P-384" | "P-521" | "P-256K";

/** Operations a key may allow (`key_ops`). */
export const KEY_OPERATIONS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"] as const;

/** One key operation. */
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

/** One version of a key. Times are Unix seconds, as on the wire. */
export interface KeyVersionRecord {
  readonly version: string;
  readonly kty: KeyType;
  readonly crv?: Curve;
  /** RSA modulus bits. */
  readonly keySize?: number;
  readonly privateKeyPem: string;
  keyOps: KeyOperation[];
  enabled: boolean;
  nbf?: number;
  exp?: number;
  readonly created: number;
  updated: number;
  tags: Record<string, string>;
}

/** A rotation policy as Key Vault stores it. */
export interface RotationPolicyRecord {
  lifetimeActions: { trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action: { type: string } }[];
  expiryTime?: string;
  created: number;
  updated: number;
}

/** A key: its versions oldest first (the last is the current one). */
export interface KeyRecord {
  /** The name as created (Key Vault names are case-insensitive; the map key is lower case). */
  readonly name: string;
  versions: KeyVersionRecord[];
  rotationPolicy?: RotationPolicyRecord;
}

/** A soft-deleted key. */
export interface DeletedKeyRecord {
  readonly key: KeyRecord;
  readonly deletedDate: number;
  readonly scheduledPurgeDate: number;
}

/** A vault's settings. */
export interface VaultSettings {
  /** The tenant the vault belongs to: named in its challenge, and the only tenant whose tokens it accepts. */
  tenantId: string;
  /** Soft delete on: DELETE keeps the key recoverable for `recoverableDays`. */
  softDelete: boolean;
  /** Purge protection on: a deleted key cannot be purged before its scheduled date. */
  purgeProtection: boolean;
  /** 7 to 90 days. */
  recoverableDays: number;
}

/** A vault. */
export interface VaultRecord {
  readonly name: string;
  settings: VaultSettings;
  keys: Record<string, KeyRecord>;
  deleted: Record<string, DeletedKeyRecord>;
}

/** A Microsoft Entra service principal of an application in one tenant. */
export interface ServicePrincipalRecord {
  readonly tenantId: string;
  readonly clientId: string;
  secret: string;
  /** The principal's object id: what grants name and tokens carry as `oid`. */
  readonly objectId: string;
}

/** Data actions granted to a principal on a vault, or on one key of it. */
export interface GrantRecord {
  readonly principalId: string;
  readonly vault: string;
  /** Lower-case key name; absent = the whole vault. */
  readonly key?: string;
  actions: KeyDataAction[];
}

/** Everything the data directory keeps. */
export interface EmulatorState {
  readonly format: 1;
  /** HMAC key of the access tokens the emulator issues, so tokens outlive a restart like Entra's do. */
  readonly tokenSecret: string;
  vaults: Record<string, VaultRecord>;
  servicePrincipals: ServicePrincipalRecord[];
  grants: GrantRecord[];
}

/**
 * `attributes.recoveryLevel` of a vault's keys, from its settings (the `DeletionRecoveryLevel` enum
 * of the keys REST API: https://learn.microsoft.com/rest/api/keyvault/keys/get-key/get-key#deletionrecoverylevel).
 */
export function recoveryLevel(s: VaultSettings): string {
  if (!s.softDelete) return "Purgeable";
  const customized = s.recoverableDays < 90 ? "Customized" : "";
  return s.purgeProtection ? `${customized}Recoverable` : `${customized}Recoverable+Purgeable`;
}
