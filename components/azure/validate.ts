/**
 * Validation of `ekm:azure:ByokKey` arguments. Pure functions, run before any child resource
 * is created; each problem names the argument, shows the value and says how to fix it.
 *
 * Formats come from the sdk (`TenantId`, `KeyVaultKeyName`, `vaultUrlProblem`). The generic
 * helpers (problem type, message format, Output checks) are shared with the AWS component.
 */
import * as pulumi from "@pulumi/pulumi";
import { AZURE_CLOUDS, isoDurationDays } from "../../sdk/contract/azure";
import { KeyVaultKeyName, TenantId, quote, vaultUrlProblem } from "../../sdk/schemas/formats";
import { integerCheck, isKnownNow, listing, problemMessage, schemaCheck, type ArgumentProblem, type Check } from "../aws/validate";
import type { ByokKeyArgs } from "./byokKey";

export { checkedInput, type ArgumentProblem, type Check } from "../aws/validate";

/** Defaults and limits of the Azure options. */
export const AZURE_LIMITS = {
  /** https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview */
  softDeleteRetentionInDays: { min: 7, max: 90, default: 90 },
  /** RSA key sizes Key Vault supports: https://learn.microsoft.com/azure/key-vault/keys/about-keys-details */
  keySizes: [2048, 3072, 4096] as const,
  keySize: 3072,
  /** Rotation policy limits: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation#key-rotation-policy */
  rotateAfter: "P90D",
  expiresAfter: "P1Y",
  minRotateAfterDays: 7,
  minExpiryDays: 28,
  /** A rotation must happen at least 7 days before the version expires. */
  minRotationBeforeExpiryDays: 7,
} as const;

/** The vault options that only make sense for a vault this component creates. */
export const VAULT_OPTION_NAMES = ["name", "sku", "softDeleteRetentionInDays", "networkAcls", "tags"] as const;

/** Stands for the 8 random characters azure-native appends when it auto-names a resource. */
const AUTONAME_SAMPLE = "a1b2c3d4";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Microsoft Entra tenant ID, as the sdk defines it. */
export const tenantIdCheck: Check<string> = schemaCheck(TenantId);

/** A Key Vault key name, as the sdk defines it. */
export const keyNameCheck: Check<string> = schemaCheck(KeyVaultKeyName);

/** A vault name: 3-24 letters, digits and single hyphens, starting with a letter (the sdk's vault URL rule). */
export const vaultNameCheck: Check<string> = (v) =>
  typeof v === "string" && !/[^a-zA-Z0-9-]/.test(v) && vaultUrlProblem(`https://${v.toLowerCase()}.${AZURE_CLOUDS[0].keyVaultDnsSuffix}/`) === undefined
    ? undefined
    : "must be 3-24 letters, digits and single hyphens, start with a letter and end with a letter or digit (vault names are global DNS names)";

/** A resource group name (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources). */
export const resourceGroupNameCheck: Check<string> = (v) =>
  /^[\p{L}\p{N}_.()-]{1,90}$/u.test(v) && !v.endsWith(".") ? undefined : 'must be 1-90 letters, digits, "_", ".", "(", ")" and "-", not ending with "."';

/** The platform service principal's object id. */
export const principalIdCheck: Check<string> = (v) =>
  GUID.test(v)
    ? undefined
    : 'must be the object id (a GUID) of the platform application\'s service principal in your tenant: create it with "az ad sp create --id <applicationId from GET /v1/accounts/{accountId}/key-management/trust>" and pass its "id"';

/** Days in an ISO-8601 duration (written once in sdk/contract/azure.ts, where the audit reads it too). */
export { isoDurationDays } from "../../sdk/contract/azure";

/** An ISO-8601 duration of at least `minDays` days. */
export function durationCheck(minDays: number, example: string): Check<string> {
  return (v) => {
    const days = typeof v === "string" ? isoDurationDays(v) : undefined;
    if (days === undefined) return `must be an ISO-8601 duration in years, months, weeks or days, e.g. "${example}"`;
    return days >= minDays ? undefined : `must be at least ${minDays} days (P${minDays}D), e.g. "${example}"`;
  };
}

/**
 * Every problem with `args`, in argument order; empty when they are valid.
 * Values that are not known yet (Outputs, Promises) are checked when they resolve.
 * With `componentName`, names azure-native would generate from it are checked too.
 */
export function byokKeyArgsProblems(args: ByokKeyArgs | undefined, componentName?: string): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  const add = (argument: string, value: unknown, message: string) => problems.push({ argument, value, message });
  const check = <T>(argument: string, value: pulumi.Input<T> | undefined, c: Check<T>) => {
    if (!isKnownNow(value)) return;
    const p = c(value);
    if (p !== undefined) add(argument, value, problemMessage(argument, p, value));
  };
  const oneOf = (argument: string, value: unknown, allowed: readonly unknown[], fix: string) => {
    if (value !== undefined && !allowed.includes(value)) add(argument, value, problemMessage(argument, fix, value));
  };
  if (args === undefined || args === null || typeof args !== "object") {
    return [{ argument: "args", value: args, message: problemMessage("args", "is required: pass { platformPrincipalId: <service principal object id> }", args) }];
  }
  check("resourceGroupName", args.resourceGroupName, resourceGroupNameCheck);
  check("tenantId", args.tenantId, tenantIdCheck);

  const vault = args.vault ?? {};
  if (args.existingVaultName !== undefined) {
    check("existingVaultName", args.existingVaultName, vaultNameCheck);
    if (args.resourceGroupName === undefined) {
      add(
        "existingVaultName",
        args.existingVaultName,
        `existingVaultName is set without resourceGroupName; received existingVaultName ${quote(args.existingVaultName)}: set resourceGroupName to the vault's resource group`,
      );
    }
    const set = VAULT_OPTION_NAMES.filter((k) => vault[k] !== undefined);
    if (set.length > 0) {
      const given = listing(set.map((k) => `vault.${k}`));
      add(
        "existingVaultName",
        args.existingVaultName,
        `existingVaultName is set together with ${given}; received existingVaultName ${quote(args.existingVaultName)}: vault options only apply to a vault this component creates, so remove ${given} to use the existing vault, or remove existingVaultName to create one`,
      );
    }
  }
  check("vault.name", vault.name, vaultNameCheck);
  if (componentName !== undefined && args.existingVaultName === undefined && vault.name === undefined) {
    // azure-native appends 8 random characters to `<name>-vault` and does not trim to 24.
    const autoName = `${componentName}-vault${AUTONAME_SAMPLE}`;
    if (vaultNameCheck(autoName) !== undefined) {
      add(
        "vault.name",
        undefined,
        problemMessage(
          "vault.name",
          `is required for component ${quote(componentName)}: the auto-generated name ${quote(`${componentName}-vault`)} plus azure-native's 8-character suffix would not be a valid vault name (3-24 letters, digits and hyphens, starting with a letter); set vault.name, or use a component name of at most 10 letters, digits and hyphens`,
          undefined,
        ),
      );
    }
  }
  oneOf("vault.sku", vault.sku, ["standard", "premium"], 'must be "standard" (the default) or "premium"');
  check(
    "vault.softDeleteRetentionInDays",
    vault.softDeleteRetentionInDays,
    integerCheck(AZURE_LIMITS.softDeleteRetentionInDays.min, AZURE_LIMITS.softDeleteRetentionInDays.max, "days a deleted vault or key stays recoverable"),
  );

  const key = args.key ?? {};
  check("key.name", key.name, keyNameCheck);
  if (componentName !== undefined && key.name === undefined && keyNameCheck(`${componentName}-key${AUTONAME_SAMPLE}`) !== undefined) {
    add(
      "key.name",
      undefined,
      problemMessage(
        "key.name",
        `is required for component ${quote(componentName)}: the auto-generated name ${quote(`${componentName}-key`)} plus azure-native's 8-character suffix would not be a valid key name (1-127 letters, digits and hyphens); set key.name`,
        undefined,
      ),
    );
  }
  oneOf("key.kty", key.kty, ["RSA", "RSA-HSM"], 'must be "RSA" (the default) or "RSA-HSM" (the platform wraps with RSA-OAEP-256)');
  oneOf("key.size", key.size, AZURE_LIMITS.keySizes, "must be 2048, 3072 (the default) or 4096");
  if (key.kty === "RSA-HSM" && args.existingVaultName === undefined && (vault.sku ?? "standard") === "standard") {
    add(
      "key.kty",
      key.kty,
      `key.kty "RSA-HSM" needs a premium vault; received vault.sku ${quote(vault.sku ?? "standard")}${vault.sku === undefined ? " (the default)" : ""}: set vault.sku: "premium", or use key.kty: "RSA"`,
    );
  }
  check("key.rotateAfter", key.rotateAfter, durationCheck(AZURE_LIMITS.minRotateAfterDays, AZURE_LIMITS.rotateAfter));
  check("key.expiresAfter", key.expiresAfter, durationCheck(AZURE_LIMITS.minExpiryDays, AZURE_LIMITS.expiresAfter));
  const rotateDays = isoDurationDays(key.rotateAfter ?? AZURE_LIMITS.rotateAfter);
  const expiryDays = isoDurationDays(key.expiresAfter ?? AZURE_LIMITS.expiresAfter);
  if (rotateDays !== undefined && expiryDays !== undefined && expiryDays >= AZURE_LIMITS.minExpiryDays && rotateDays > expiryDays - AZURE_LIMITS.minRotationBeforeExpiryDays) {
    add(
      "key.rotateAfter",
      key.rotateAfter,
      `key.rotateAfter must be at least 7 days before key.expiresAfter so a new version exists before the current one expires; received key.rotateAfter ${quote(key.rotateAfter ?? AZURE_LIMITS.rotateAfter)} and key.expiresAfter ${quote(key.expiresAfter ?? AZURE_LIMITS.expiresAfter)}: shorten key.rotateAfter or lengthen key.expiresAfter`,
    );
  }

  if (args.platformPrincipalId === undefined || args.platformPrincipalId === null) {
    add(
      "platformPrincipalId",
      args.platformPrincipalId,
      problemMessage(
        "platformPrincipalId",
        'is required: pass the object id of the platform application\'s service principal in your tenant (create it with "az ad sp create --id <applicationId from GET /v1/accounts/{accountId}/key-management/trust>")',
        args.platformPrincipalId,
      ),
    );
  } else {
    check("platformPrincipalId", args.platformPrincipalId, principalIdCheck);
  }
  oneOf("roleStrategy", args.roleStrategy, ["least-privilege", "builtin"], 'must be "least-privilege" (the default: a custom role with exactly the documented data actions) or "builtin"');
  oneOf("permissionSet", args.permissionSet, ["documented", "wrap-unwrap"], 'must be "documented" (the default) or "wrap-unwrap"');
  return problems;
}

/**
 * Throws a `pulumi.ResourceError` listing every problem with `args` (one per line).
 * @param resource the component, so the error is reported against it.
 */
export function validateByokKeyArgs(args: ByokKeyArgs | undefined, resource?: pulumi.Resource, componentName?: string): void {
  const problems = byokKeyArgsProblems(args, componentName);
  if (problems.length > 0) throw new pulumi.ResourceError(problems.map((p) => p.message).join("\n"), resource, true);
}
