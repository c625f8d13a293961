/**
 * Azure RBAC for the data plane: a principal may perform a data action on a key when a grant on
 * the vault, or on that key, includes it (role assignments at vault or key scope:
 * https://learn.microsoft.com/azure/key-vault/general/rbac-guide#key-vault-scope-role-assignment).
 */
import { createHash } from "node:crypto";
import type { KeyDataAction } from "./facts";
import type { GrantRecord } from "./model";

/** The grant allowing `action`, if any. */
export function grantFor(grants: readonly GrantRecord[], principalId: string, vault: string, key: string | undefined, action: KeyDataAction): GrantRecord | undefined {
  const k = key?.toLowerCase();
  return grants.find((g) => g.principalId === principalId && g.vault === vault && (g.key === undefined || g.key === k) && g.actions.includes(action));
}

/** `x-ms-keyvault-rbac-assignment-id`: 32 hex digits naming the assignment that allowed the call. */
export function assignmentId(g: GrantRecord): string {
  return createHash("sha256").update(`${g.principalId}/${g.vault}/${g.key ?? ""}`).digest("hex").slice(0, 32);
}

/** Adds `actions` to the grant of a principal at a scope (creating it). */
export function grant(grants: GrantRecord[], principalId: string, vault: string, key: string | undefined, actions: readonly KeyDataAction[]): void {
  const k = key?.toLowerCase();
  const existing = grants.find((g) => g.principalId === principalId && g.vault === vault && g.key === k);
  if (existing) existing.actions = [...new Set([...existing.actions, ...actions])];
  else grants.push({ principalId, vault, ...(k === undefined ? {} : { key: k }), actions: [...new Set(actions)] });
}

/** Removes `actions` (all when undefined) from the grant of a principal at a scope. */
export function revoke(grants: GrantRecord[], principalId: string, vault: string, key: string | undefined, actions?: readonly KeyDataAction[]): void {
  const k = key?.toLowerCase();
  for (let i = grants.length - 1; i >= 0; i--) {
    const g = grants[i];
    if (g.principalId !== principalId || g.vault !== vault || g.key !== k) continue;
    g.actions = actions === undefined ? [] : g.actions.filter((a) => !actions.includes(a));
    if (g.actions.length === 0) grants.splice(i, 1);
  }
}
