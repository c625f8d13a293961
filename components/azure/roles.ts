/**
 * Pure builders of the Azure RBAC pieces the Azure ByokKey component creates: the data
 * actions of the documented permission set, the custom role definition, the built-in
 * roles that cover it, and ARM id helpers.
 *
 * The role ids and data actions are the contract's (`sdk/contract/azure.ts`). The documented
 * access is "Key Vault Crypto Service Encryption User" plus encrypt/decrypt, which that role does
 * not grant. The default is therefore a custom role with exactly the documented data actions,
 * assigned on the key only.
 *
 * - Key Vault data actions: https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 * - Built-in roles: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 * - Custom role assignable scopes (management group, subscription or resource group):
 *   https://learn.microsoft.com/azure/role-based-access-control/role-definitions#assignablescopes
 */
import { DOCUMENTED_DATA_ACTIONS, KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER, KEY_VAULT_CRYPTO_USER, WRAP_UNWRAP_DATA_ACTIONS, type BuiltinRole } from "../../sdk/contract/azure";

/** How the platform's service principal gets its permissions. */
export type RoleStrategy = "least-privilege" | "builtin";

/**
 * Which permissions the platform gets. `"documented"`: the five documented data actions (read, wrap,
 * unwrap, encrypt, decrypt). `"wrap-unwrap"`: read, wrap and unwrap only, which is all the
 * platform's validation and envelope encryption use.
 */
export type PermissionSet = "documented" | "wrap-unwrap";

/** The data actions of a permission set. */
export function dataActions(permissionSet: PermissionSet): string[] {
  return permissionSet === "documented" ? [...DOCUMENTED_DATA_ACTIONS] : [...WRAP_UNWRAP_DATA_ACTIONS];
}

/** The key operations the key allows: wrapKey/unwrapKey, plus encrypt/decrypt for the documented set. */
export function keyOps(permissionSet: PermissionSet): string[] {
  return permissionSet === "documented" ? ["wrapKey", "unwrapKey", "encrypt", "decrypt"] : ["wrapKey", "unwrapKey"];
}

/** The built-in roles that together grant a permission set (a superset: Crypto User grants more than the documented access). */
export function builtinRoles(permissionSet: PermissionSet): BuiltinRole[] {
  return permissionSet === "documented" ? [KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER, KEY_VAULT_CRYPTO_USER] : [KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER];
}

/** The inputs of the custom role definition, apart from its scope. */
export interface CustomRoleDefinition {
  readonly roleName: string;
  readonly description: string;
  readonly roleType: "CustomRole";
  readonly permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
  readonly assignableScopes: string[];
}

/**
 * The custom role with exactly the data actions of `permissionSet` and no control-plane
 * actions. Custom roles cannot be assignable at a single resource, so it is assignable in the
 * vault's resource group; the assignment itself is scoped to the key.
 */
export function customRoleDefinition(permissionSet: PermissionSet, vaultName: string, keyName: string, resourceGroupId: string): CustomRoleDefinition {
  return {
    // Role names are unique per tenant; vault names are globally unique.
    roleName: `pulumi-ekm BYOK key user ${vaultName}/${keyName}`,
    description: `Lets the platform read Key Vault key ${vaultName}/${keyName} and ${permissionSet === "documented" ? "wrap, unwrap, encrypt and decrypt" : "wrap and unwrap"} with it (pulumi-ekm).`,
    roleType: "CustomRole",
    permissions: [{ actions: [], notActions: [], dataActions: dataActions(permissionSet), notDataActions: [] }],
    assignableScopes: [resourceGroupId],
  };
}

/** The parts of an ARM resource id under a resource group. */
export interface ArmIdParts {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  /** `/subscriptions/<sub>/resourceGroups/<rg>`. */
  readonly resourceGroupId: string;
}

/** Splits `/subscriptions/<sub>/resourceGroups/<rg>/…`; throws when `id` has another shape. */
export function parseArmId(id: string): ArmIdParts {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(?:\/|$)/i.exec(id);
  if (!m) throw new Error(`not an ARM resource id under a resource group: ${JSON.stringify(id)}`);
  return { subscriptionId: m[1], resourceGroupName: m[2], resourceGroupId: `/subscriptions/${m[1]}/resourceGroups/${m[2]}` };
}

/** The id of a role definition (built-in or custom) in a subscription, as role assignments take it. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}
