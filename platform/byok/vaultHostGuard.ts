/**
 * SSRF guard: the platform only calls Key Vault hosts under the Key Vault DNS suffixes
 * (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers),
 * plus hosts the operator allowed explicitly with --allow-vault-host (tests).
 */
import { KEY_VAULT_DNS_SUFFIXES } from "../../sdk/contract";
import { isKeyVaultHost } from "../../sdk/schemas";
import { ValidationFailedError } from "../errors";

/** Throws ValidationFailedError unless `vaultUrl`'s host may be called. */
export function assertVaultHostAllowed(vaultUrl: string, allowed: readonly string[]): void {
  const url = new URL(vaultUrl);
  if (isKeyVaultHost(url.hostname)) return;
  if (allowed.includes(url.host) || allowed.includes(url.hostname)) return;
  throw new ValidationFailedError(
    "validation_failed",
    `azure.vaultUrl: the platform only calls Key Vault hosts under ${KEY_VAULT_DNS_SUFFIXES.join(", ")}; received host ${JSON.stringify(url.host)}. Use your vault's "Vault URI" from the Azure portal.`,
    { field: "azure.vaultUrl" },
  );
}
