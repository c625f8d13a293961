/**
 * Azure facts the emulator needs: Key Vault DNS suffixes, the resource its challenge names, and
 * the RBAC data actions of the keys data plane.
 *
 * Kept in this one module until the sdk's contract-facts module carries them; then this file
 * re-exports from there.
 */

/**
 * Key Vault DNS suffixes per cloud (public, China, US Government, and the Managed HSM one).
 * https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers
 */
export const KEY_VAULT_DNS_SUFFIXES = ["vault.azure.net", "vault.azure.cn", "vault.usgovcloudapi.net", "managedhsm.azure.net"] as const;

/** The resource Key Vault names in its challenge (public cloud); tokens carry it as their audience. */
export const KEY_VAULT_RESOURCE = "https://vault.azure.net";

/** The public cloud's Microsoft Entra authority, named in Key Vault's challenge. */
export const ENTRA_PUBLIC_AUTHORITY = "https://login.microsoftonline.com";

/**
 * Key Vault data actions of the keys data plane (Azure RBAC).
 * https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 */
export const KEY_DATA_ACTIONS = {
  read: "Microsoft.KeyVault/vaults/keys/read",
  create: "Microsoft.KeyVault/vaults/keys/create/action",
  update: "Microsoft.KeyVault/vaults/keys/update/action",
  delete: "Microsoft.KeyVault/vaults/keys/delete",
  backup: "Microsoft.KeyVault/vaults/keys/backup/action",
  restore: "Microsoft.KeyVault/vaults/keys/restore/action",
  rotate: "Microsoft.KeyVault/vaults/keys/rotate/action",
  rotationPolicyRead: "Microsoft.KeyVault/vaults/keys/rotationpolicy/read",
  rotationPolicyWrite: "Microsoft.KeyVault/vaults/keys/rotationpolicy/write",
  wrap: "Microsoft.KeyVault/vaults/keys/wrap/action",
  unwrap: "Microsoft.KeyVault/vaults/keys/unwrap/action",
  encrypt: "Microsoft.KeyVault/vaults/keys/encrypt/action",
  decrypt: "Microsoft.KeyVault/vaults/keys/decrypt/action",
  deletedRead: "Microsoft.KeyVault/vaults/deletedKeys/read",
  recover: "Microsoft.KeyVault/vaults/deletedKeys/recover/action",
  purge: "Microsoft.KeyVault/vaults/deletedKeys/delete",
} as const;

/** One keys data action. */
export type KeyDataAction = (typeof KEY_DATA_ACTIONS)[keyof typeof KEY_DATA_ACTIONS];

/** Every keys data action: what `Key Vault Crypto Officer` grants on keys. */
export const ALL_KEY_DATA_ACTIONS: readonly KeyDataAction[] = Object.values(KEY_DATA_ACTIONS);

/** The vault name a host names when it sits under a Key Vault DNS suffix (`contoso.vault.azure.net` → `contoso`). */
export function vaultNameOfHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  for (const suffix of KEY_VAULT_DNS_SUFFIXES) {
    if (host.endsWith(`.${suffix}`)) {
      const label = host.slice(0, -suffix.length - 1);
      return label.includes(".") || label === "" ? undefined : label;
    }
  }
  return undefined;
}
