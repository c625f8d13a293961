/**
 * pulumi-ekm/components/azure: `ekm:azure:ByokKey`, the customer side of BYOK on Azure Key Vault
 * (a vault, an RSA key and the platform's role assignments). Needs `@pulumi/azure-native`; only
 * its per-service subpaths are loaded, never its slow root index.
 */
export { ByokKey, type ByokKeyArgs, type AzureKeyOptions, type AzureVaultOptions, type PermissionSet, type RoleStrategy } from "./byokKey";
/** What `ByokKey.byokConfig` outputs. */
export type { AzureByokKeyConfig } from "../../sdk/types";
