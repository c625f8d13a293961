/**
 * Azure facts the emulator needs. The DNS suffixes, the authority host and the data actions the
 * platform uses come from the sdk's contract module; the rest of the keys data actions (the
 * administrator's: create, update, delete, rotate, …) are only the emulator's concern.
 */
import { AZURE_CLOUDS, KEY_VAULT_DATA_ACTIONS, KEY_VAULT_DNS_SUFFIXES } from "../../sdk/contract/azure";

export { KEY_VAULT_DNS_SUFFIXES };

/** The public cloud. */
const PUBLIC_CLOUD = AZURE_CLOUDS[0];

/** The resource Key Vault names in its challenge (public cloud); tokens carry it as their audience. */
export const KEY_VAULT_RESOURCE = `https://${PUBLIC_CLOUD.keyVaultDnsSuffix}`;

/** The public cloud's Microsoft Entra authority, named in Key Vault's challenge. */
export const ENTRA_PUBLIC_AUTHORITY = PUBLIC_CLOUD.authorityHost;

/**
 * Every keys data action (Azure RBAC): the platform's five, plus the administrator's.
 * https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 */
export const KEY_DATA_ACTIONS = {
  ...KEY_VAULT_DATA_ACTIONS,
  create: "Microsoft.KeyVault/vaults/keys/create/action",
  update: "Microsoft.KeyVault/vaults/keys/update/action",
  delete: "Microsoft.KeyVault/vaults/keys/delete",
  backup: "Microsoft.KeyVault/vaults/keys/backup/action",
  restore: "Microsoft.KeyVault/vaults/keys/restore/action",
  rotate: "Microsoft.KeyVault/vaults/keys/rotate/action",
  rotationPolicyRead: "Microsoft.KeyVault/vaults/keys/rotationpolicy/read",
  rotationPolicyWrite: "Microsoft.KeyVault/vaults/keys/rotationpolicy/write",
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
