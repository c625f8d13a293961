/**
 * The Azure judges: the inputs of `ekm:azure:ByokKey` and of raw `azure-native:keyvault:Vault`
 * and `azure-native:keyvault:Key` resources.
 *
 * - Vault properties (enablePurgeProtection, enableSoftDelete, enableRbacAuthorization): https://www.pulumi.com/registry/packages/azure-native/api-docs/keyvault/vault/
 * - Key properties (kty, keySize, rotationPolicy): https://www.pulumi.com/registry/packages/azure-native/api-docs/keyvault/key/
 * - Rotation policy: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation#key-rotation-policy
 * - Key Vault creates RSA keys of 2048 bits when no size is given: https://learn.microsoft.com/rest/api/keyvault/keys/create-key/create-key
 */
import { quote } from "../../sdk/schemas/formats";
import { AZURE_LIMITS, isoDurationDays } from "../../components/azure/validate";
import { UNKNOWN, at, field, list, type Judge, type Plain } from "../values";

/** Key Vault's RSA key size when none is given. */
export const KEY_VAULT_DEFAULT_RSA_SIZE = 2048;

function isRsa(kty: Plain): boolean {
  return kty === "RSA" || kty === "RSA-HSM";
}

/** `azure-native:keyvault:Vault`: purge protection and soft delete on. */
export const vaultPurgeProtection: Judge = (props) => {
  const problems: string[] = [];
  const purge = at(props, "properties.enablePurgeProtection");
  if (purge !== UNKNOWN && purge !== true) {
    problems.push(`properties.enablePurgeProtection is ${quote(purge ?? null)}${purge === undefined ? " (off by default)" : ""}: set properties.enablePurgeProtection: true (it cannot be turned off again)`);
  }
  const softDelete = at(props, "properties.enableSoftDelete");
  if (softDelete === false) problems.push("properties.enableSoftDelete is false: remove it or set properties.enableSoftDelete: true");
  return problems;
};

/** `azure-native:keyvault:Vault`: RBAC authorization on. */
export const vaultRbac: Judge = (props) => {
  const rbac = at(props, "properties.enableRbacAuthorization");
  if (rbac === UNKNOWN || rbac === true) return [];
  return [`properties.enableRbacAuthorization is ${quote(rbac ?? null)}${rbac === undefined ? " (access policies by default)" : ""}: set properties.enableRbacAuthorization: true and grant the platform a role at the key's scope`];
};

/** `ekm:azure:ByokKey`: `key.size` at least the minimum. */
export const byokKeyRsaSize: Judge = (props, t) => {
  const given = at(props, "key.size");
  const size = given === undefined ? AZURE_LIMITS.keySize : given;
  if (typeof size !== "number" || size >= t.minRsaKeySize) return [];
  return [`key.size is ${size}, below the minimum of ${t.minRsaKeySize} bits (minRsaKeySize): set key.size to ${t.minRsaKeySize} or more (the component's default is ${AZURE_LIMITS.keySize})`];
};

/** `azure-native:keyvault:Key`: an RSA key's `properties.keySize` at least the minimum. */
export const keyVaultKeyRsaSize: Judge = (props, t) => {
  if (!isRsa(at(props, "properties.kty"))) return [];
  const given = at(props, "properties.keySize");
  const size = given === undefined ? KEY_VAULT_DEFAULT_RSA_SIZE : given;
  if (typeof size !== "number" || size >= t.minRsaKeySize) return [];
  return [`properties.keySize is ${size}${given === undefined ? " (the Key Vault default)" : ""}, below the minimum of ${t.minRsaKeySize} bits (minRsaKeySize): set properties.keySize to ${t.minRsaKeySize} or more`];
};

/** The rotate actions of a rotation policy. */
function rotateActions(rotationPolicy: Plain): Plain[] {
  return list(field(rotationPolicy, "lifetimeActions")).filter((a) => {
    const type = at(a, "action.type");
    return typeof type === "string" && type.toLowerCase() === "rotate";
  });
}

/** `azure-native:keyvault:Key`: a rotation policy with a rotate action. */
export const keyVaultKeyRotationOff: Judge = (props) => {
  const policy = at(props, "properties.rotationPolicy");
  if (policy === UNKNOWN || field(policy, "lifetimeActions") === UNKNOWN || rotateActions(policy).length > 0) return [];
  return [
    'properties.rotationPolicy has no "rotate" lifetime action: add properties.rotationPolicy.lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }] (the ByokKey component\'s default)',
  ];
};

/** Days between rotations of one rotate action; undefined when not known. */
function rotationDays(action: Plain, expiryTime: Plain): number | undefined {
  const after = at(action, "trigger.timeAfterCreate");
  if (typeof after === "string") return isoDurationDays(after);
  const before = at(action, "trigger.timeBeforeExpiry");
  if (typeof before === "string" && typeof expiryTime === "string") {
    const [b, e] = [isoDurationDays(before), isoDurationDays(expiryTime)];
    return b !== undefined && e !== undefined ? e - b : undefined;
  }
  return undefined;
}

/** `azure-native:keyvault:Key`: the rotate action fires within the maximum period. */
export const keyVaultKeyRotationPeriod: Judge = (props, t) => {
  const policy = at(props, "properties.rotationPolicy");
  const expiry = at(policy, "attributes.expiryTime");
  return rotateActions(policy).flatMap((action) => {
    const days = rotationDays(action, expiry);
    if (days === undefined || days <= t.maxRotationPeriodDays) return [];
    return [`properties.rotationPolicy rotates every ${days} days (trigger ${quote(field(action, "trigger"))}), above the maximum of ${t.maxRotationPeriodDays} days (maxRotationPeriodDays): set trigger.timeAfterCreate to "P${t.maxRotationPeriodDays}D" or less`];
  });
};

/** `ekm:azure:ByokKey`: `key.rotateAfter` within the maximum period. */
export const byokKeyRotationPeriod: Judge = (props, t) => {
  const given = at(props, "key.rotateAfter");
  const rotateAfter = given === undefined ? AZURE_LIMITS.rotateAfter : given;
  if (typeof rotateAfter !== "string") return [];
  const days = isoDurationDays(rotateAfter);
  if (days === undefined || days <= t.maxRotationPeriodDays) return [];
  return [`key.rotateAfter is ${quote(rotateAfter)} (${days} days), above the maximum of ${t.maxRotationPeriodDays} days (maxRotationPeriodDays): set key.rotateAfter to "P${t.maxRotationPeriodDays}D" or less`];
};

/** `azure-native:keyvault:Key`: new versions get an expiry (`rotationPolicy.attributes.expiryTime`) or the key has one (`attributes.expires`). */
export const keyVaultKeyNoExpiry: Judge = (props) => {
  const expiry = at(props, "properties.rotationPolicy.attributes.expiryTime");
  const expires = at(props, "properties.attributes.expires");
  if (expiry !== undefined || expires !== undefined) return [];
  return ['properties.rotationPolicy.attributes.expiryTime is not set, so key versions never expire: set it, e.g. "P1Y" (the ByokKey component\'s default)'];
};
