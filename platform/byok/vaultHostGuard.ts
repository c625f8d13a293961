/**
 * SSRF guard: the platform only calls Key Vault hosts under the Key Vault DNS suffixes
 * (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers),
 * plus hosts the operator allowed explicitly with --allow-vault-host (tests). While test vault
 * endpoint overrides are set (`./azureTestOverrides.ts`), only the overridden Key Vault hosts.
 */
import { KEY_VAULT_DNS_SUFFIXES } from "../../sdk/contract";
import { isKeyVaultHost } from "../../sdk/schemas";
import type { PlatformSettings } from "../context";
import { ValidationFailedError } from "../errors";
import { azureTestOf, unmappedVaultHostProblem } from "./azureTestOverrides";

/** The settings the guard reads. */
export type VaultHostRules = Pick<PlatformSettings, "allowVaultHosts" | "azureTest">;

/** Throws ValidationFailedError unless `vaultUrl`'s host may be called. */
export function assertVaultHostAllowed(vaultUrl: string, rules: VaultHostRules): void {
  const url = new URL(vaultUrl);
  const allowed = rules.allowVaultHosts;
  if (isKeyVaultHost(url.hostname)) {
    const unmapped = unmappedVaultHostProblem(url.host, azureTestOf(rules));
    if (unmapped === undefined) return;
    throw new ValidationFailedError("validation_failed", unmapped, { field: "azure.vaultUrl" });
  }
  if (allowed.includes(url.host) || allowed.includes(url.hostname)) return;
  throw new ValidationFailedError(
    "validation_failed",
    `azure.vaultUrl: the platform only calls Key Vault hosts under ${KEY_VAULT_DNS_SUFFIXES.join(", ")}; received host ${JSON.stringify(url.host)}. Use your vault's "Vault URI" from the Azure portal.`,
    { field: "azure.vaultUrl" },
  );
}
