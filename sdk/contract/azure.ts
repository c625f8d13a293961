/**
 * Azure facts of the contract between the platform and a customer's Key Vault key: the Key Vault
 * DNS suffixes of each cloud, the data actions and built-in roles that grant the platform access,
 * and the Key Vault operations the platform calls.
 *
 * - DNS suffixes: https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers
 * - Authority hosts: https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud
 * - Data actions: https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 * - Built-in roles: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 */

/** One Azure cloud: its Key Vault and Managed HSM DNS suffixes and its Entra ID authority. */
export interface AzureCloud {
  /** The cloud's name, e.g. `AzureCloud`. */
  readonly name: string;
  /** DNS suffix of Key Vault hosts, e.g. `vault.azure.net`. */
  readonly keyVaultDnsSuffix: string;
  /** DNS suffix of Managed HSM hosts, e.g. `managedhsm.azure.net`. */
  readonly managedHsmDnsSuffix: string;
  /** The Entra ID authority host that issues tokens for the cloud's vaults. */
  readonly authorityHost: string;
}

/** The public cloud first, then the sovereign clouds. */
export const AZURE_CLOUDS: readonly AzureCloud[] = [
  { name: "AzureCloud", keyVaultDnsSuffix: "vault.azure.net", managedHsmDnsSuffix: "managedhsm.azure.net", authorityHost: "https://login.microsoftonline.com" },
  { name: "AzureChinaCloud", keyVaultDnsSuffix: "vault.azure.cn", managedHsmDnsSuffix: "managedhsm.azure.cn", authorityHost: "https://login.chinacloudapi.cn" },
  { name: "AzureUSGovernment", keyVaultDnsSuffix: "vault.usgovcloudapi.net", managedHsmDnsSuffix: "managedhsm.usgovcloudapi.net", authorityHost: "https://login.microsoftonline.us" },
  { name: "AzureGermanCloud", keyVaultDnsSuffix: "vault.microsoftazure.de", managedHsmDnsSuffix: "managedhsm.microsoftazure.de", authorityHost: "https://login.microsoftonline.de" },
];

/** DNS suffixes of Key Vault, then of Managed HSM, in every cloud. */
export const KEY_VAULT_DNS_SUFFIXES: readonly string[] = [...AZURE_CLOUDS.map((c) => c.keyVaultDnsSuffix), ...AZURE_CLOUDS.map((c) => c.managedHsmDnsSuffix)];

/** The cloud whose Key Vault or Managed HSM DNS suffix `host` is under, or undefined (e.g. a loopback test vault). */
export function azureCloudOf(host: string): AzureCloud | undefined {
  const h = host.toLowerCase().replace(/:\d+$/, "");
  return AZURE_CLOUDS.find((c) => h.endsWith(`.${c.keyVaultDnsSuffix}`) || h.endsWith(`.${c.managedHsmDnsSuffix}`));
}

/** The Key Vault data actions the platform's access may include. */
export const KEY_VAULT_DATA_ACTIONS = {
  read: "Microsoft.KeyVault/vaults/keys/read",
  wrap: "Microsoft.KeyVault/vaults/keys/wrap/action",
  unwrap: "Microsoft.KeyVault/vaults/keys/unwrap/action",
  encrypt: "Microsoft.KeyVault/vaults/keys/encrypt/action",
  decrypt: "Microsoft.KeyVault/vaults/keys/decrypt/action",
} as const;

/** Read, wrap and unwrap: what the platform uses (it wraps data keys with RSA-OAEP-256). */
export const WRAP_UNWRAP_DATA_ACTIONS = [KEY_VAULT_DATA_ACTIONS.read, KEY_VAULT_DATA_ACTIONS.wrap, KEY_VAULT_DATA_ACTIONS.unwrap] as const;

/** The five documented data actions: read, wrap, unwrap, encrypt and decrypt. */
export const DOCUMENTED_DATA_ACTIONS = [...WRAP_UNWRAP_DATA_ACTIONS, KEY_VAULT_DATA_ACTIONS.encrypt, KEY_VAULT_DATA_ACTIONS.decrypt] as const;

/** A built-in Azure role: its role definition id (a GUID) and its name. */
export interface BuiltinRole {
  readonly id: string;
  readonly name: string;
}

/** "Key Vault Crypto Service Encryption User": keys/read, wrap and unwrap. */
export const KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER: BuiltinRole = { id: "e147488a-f6f5-4113-8e2d-b22465e65bf6", name: "Key Vault Crypto Service Encryption User" };

/** "Key Vault Crypto User": key data operations, including encrypt and decrypt. */
export const KEY_VAULT_CRYPTO_USER: BuiltinRole = { id: "12338af0-0e69-4776-bea7-57ae8d297424", name: "Key Vault Crypto User" };

/** The Key Vault operations the platform calls, named as the validation steps and error messages name them. */
export const KEY_VAULT_OPERATIONS = {
  getKey: "keyvault:GetKey",
  wrapKey: "keyvault:WrapKey",
  unwrapKey: "keyvault:UnwrapKey",
} as const;

/** One of the Key Vault operations the platform calls. */
export type KeyVaultOperation = (typeof KEY_VAULT_OPERATIONS)[keyof typeof KEY_VAULT_OPERATIONS];

/** The data action each operation needs. */
export const REQUIRED_DATA_ACTION: Readonly<Record<KeyVaultOperation, string>> = {
  [KEY_VAULT_OPERATIONS.getKey]: KEY_VAULT_DATA_ACTIONS.read,
  [KEY_VAULT_OPERATIONS.wrapKey]: KEY_VAULT_DATA_ACTIONS.wrap,
  [KEY_VAULT_OPERATIONS.unwrapKey]: KEY_VAULT_DATA_ACTIONS.unwrap,
};

/** Days in an ISO-8601 duration made of years, months, weeks and days (Key Vault rotation policies use these), or undefined when it is not one. */
export function isoDurationDays(value: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(value);
  if (!m || value === "P") return undefined;
  // Key Vault counts a month as 30 days and a year as 365 when it compares durations.
  return Number(m[1] ?? 0) * 365 + Number(m[2] ?? 0) * 30 + Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0);
}
