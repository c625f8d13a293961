/**
 * The Azure validation chain: `keyvault:GetKey` → `keyvault:RecoveryLevel` → `keyvault:WrapKey` →
 * `keyvault:UnwrapKey`, each one `ValidationCheck`, plus the pure checks it applies (the key's
 * attributes and material, the vault's recovery level).
 *
 * After a failed step the later steps are not run: each is reported with status `skipped`, as in
 * the AWS chain. So the first failed
 * check is the one to fix, and the list always has the same four names in the same order.
 *
 * - Key attributes (enabled, nbf, exp) and key types: https://learn.microsoft.com/azure/key-vault/keys/about-keys-details
 * - Recovery levels: https://learn.microsoft.com/rest/api/keyvault/keys/get-key/get-key#deletionrecoverylevel
 * - Soft delete and purge protection: https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
 */
import { validationChain } from "../chain";
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyVaultKey } from "@azure/keyvault-keys";
import { AZURE_CLOUDS, KEY_VAULT_OPERATIONS, RECOVERY_LEVEL_STEP, type AzureValidationStep } from "../../../sdk/contract";
import type { ValidationCheck } from "../../../sdk/schemas";
import { quote } from "../../../sdk/schemas/formats";
import { CustomerKeyError, type CustomerKeyErrorKind } from "../types";
import type { AzureKeySession } from "./customerKey";
import { mapAzureError, setAttributesCommand } from "./errors";
import { WRAP_ALGORITHM } from "./options";


/** Something that makes a key unusable for the platform, with the kind of failure it causes. */
export interface KeyProblem {
  readonly kind: CustomerKeyErrorKind;
  readonly message: string;
}

/** The smallest RSA modulus the platform accepts (Key Vault offers 2048, 3072 and 4096). */
export const MIN_RSA_BITS = 2048;

/** Recovery levels with soft delete and purge protection on. */
const PROTECTED_LEVELS = new Set(["Recoverable", "CustomizedRecoverable", "Recoverable+ProtectedSubscription", "CustomizedRecoverable+ProtectedSubscription"]);

/** The bit length of a big-endian unsigned integer (an RSA modulus `n`), leading zero bytes ignored. */
export function modulusBits(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]));
}

/** The key's type: the JWK's `kty`, else the SDK's `keyType`. */
function keyTypeOf(key: KeyVaultKey): string | undefined {
  return key.key?.kty ?? key.keyType;
}

/**
 * What makes a key unusable for wrapping the platform's data keys, from Get Key's answer; empty when
 * it is usable: enabled, inside its nbf/exp window at `now`, RSA or RSA-HSM of at least 2048 bits
 * (from the JWK modulus), with key operations wrapKey and unwrapKey.
 */
export function keyProblems(key: KeyVaultKey, now: number): KeyProblem[] {
  const id = key.id ?? key.name;
  const ctx = { vaultUrl: key.properties.vaultUrl, keyId: id };
  const problems: KeyProblem[] = [];
  if (key.properties.enabled === false) {
    problems.push({ kind: "disabled", message: `key ${id} is disabled — enable it: ${setAttributesCommand(ctx, "--enabled true")}` });
  }
  const exp = key.properties.expiresOn;
  if (exp !== undefined && exp.getTime() <= now) {
    problems.push({
      kind: "expired",
      message: `key ${id} expired on ${exp.toISOString()} — Key Vault wraps no new keys with it: rotate the key, or set a later expiry: ${setAttributesCommand(ctx, "--expires <date>")}`,
    });
  }
  const nbf = key.properties.notBefore;
  if (nbf !== undefined && nbf.getTime() > now) {
    problems.push({
      kind: "invalid-key",
      message: `key ${id} is not valid before ${nbf.toISOString()} — register it with a later activation date, or: ${setAttributesCommand(ctx, "--not-before <now>")}`,
    });
  }
  const kty = keyTypeOf(key);
  if (kty !== "RSA" && kty !== "RSA-HSM") {
    problems.push({
      kind: "invalid-key",
      message: `key ${id} has key type ${kty ?? "(none)"} — the platform needs an RSA or RSA-HSM key of 2048, 3072 or 4096 bits to wrap data keys with RSA-OAEP-256`,
    });
    return problems;
  }
  const bits = key.key?.n === undefined ? 0 : modulusBits(key.key.n);
  if (bits < MIN_RSA_BITS) {
    problems.push({
      kind: "invalid-key",
      message:
        `key ${id} is ${kty} ${bits === 0 ? "of unknown size (no modulus)" : `${bits}-bit`} — the platform needs at least ${MIN_RSA_BITS} bits: ` +
        `create a new version with az keyvault key create --vault-name ${vaultNameOf(ctx.vaultUrl)} --name ${key.name} --kty ${kty} --size 3072 --ops wrapKey unwrapKey encrypt decrypt`,
    });
  }
  const ops = key.keyOperations ?? key.key?.keyOps;
  if (ops !== undefined) {
    const missing = ["wrapKey", "unwrapKey"].filter((op) => !ops.includes(op as never));
    if (missing.length > 0) {
      problems.push({
        kind: "invalid-key",
        message:
          `key ${id} does not allow ${missing.join(", ")} (its key operations are ${ops.length > 0 ? ops.join(", ") : "none"}) — ` +
          setAttributesCommand(ctx, "--ops wrapKey unwrapKey encrypt decrypt"),
      });
    }
  }
  return problems;
}

function vaultNameOf(vaultUrl: string): string {
  try {
    return new URL(vaultUrl).hostname.split(".")[0];
  } catch {
    return "<vault-name>";
  }
}

/**
 * Why a vault's recovery level is not acceptable, or undefined when soft delete and purge
 * protection are both on. Purge protection stops anyone, the customer included, from purging a
 * deleted key before its retention ends; without it a purge destroys every account's content.
 * `vaultUrl` names the vault in the fix.
 */
export function recoveryLevelProblem(level: string | undefined, vaultUrl = "https://<vault-name>.vault.azure.net/"): string | undefined {
  if (level !== undefined && PROTECTED_LEVELS.has(level)) return undefined;
  let host = "<vault-name>.vault.azure.net";
  try {
    host = new URL(vaultUrl).hostname;
  } catch {
    // keep the placeholder
  }
  const name = host.split(".")[0];
  const hsm = AZURE_CLOUDS.some((c) => host.endsWith(`.${c.managedHsmDnsSuffix}`));
  const purge = hsm
    ? `set properties.enablePurgeProtection on Managed HSM ${name}`
    : `set properties.enablePurgeProtection: az keyvault update --name ${name} --enable-purge-protection true`;
  if (level === "Recoverable+Purgeable" || level === "CustomizedRecoverable+Purgeable") {
    return (
      `purge protection is off (recoveryLevel ${level}): a deleted key could be purged before its retention ends, and all content it protects would be lost — ` +
      `${purge} (it cannot be turned off again)`
    );
  }
  if (level === "Purgeable") {
    return (
      "soft delete and purge protection are off (recoveryLevel Purgeable): a deleted key is gone at once — " +
      `turn on soft delete (properties.enableSoftDelete) and ${purge} (purge protection cannot be turned off again)`
    );
  }
  return (
    `${level === undefined ? "the vault reported no recoveryLevel for the key" : `unknown recoveryLevel ${quote(level)}`}, so soft delete and purge protection cannot be confirmed — ` +
    purge
  );
}

/** A one-line description of a usable key. */
function describeKey(key: KeyVaultKey, versionless: boolean): string {
  const kty = keyTypeOf(key) ?? "RSA";
  const bits = key.key?.n === undefined ? 0 : modulusBits(key.key.n);
  const ops = key.keyOperations ?? key.key?.keyOps ?? [];
  const exp = key.properties.expiresOn;
  return (
    `key ${key.id} is enabled, ${kty} ${bits}-bit, key operations ${ops.join(", ")}; ` +
    `${exp ? `expires ${exp.toISOString()}` : "no expiry"}` +
    (versionless ? `; versionless: new data keys use its current version ${key.properties.version}` : "")
  );
}

/**
 * Runs the chain with real calls; never throws. GetKey reads the key (its current version when
 * versionless); WrapKey and UnwrapKey round-trip 32 random bytes with RSA-OAEP-256 under exactly
 * that version.
 */
export async function validateAzureKey(session: AzureKeySession): Promise<ValidationCheck[]> {
  const o = session.options;
  const { checks, step } = validationChain<AzureValidationStep>(
    (name, err) =>
      mapAzureError(err, {
        action: name === RECOVERY_LEVEL_STEP ? KEY_VAULT_OPERATIONS.getKey : name,
        accountId: o.accountId,
        vaultUrl: o.vaultUrl,
        keyId: o.keyId,
        tenantId: o.tenantId,
        clientId: o.clientId,
        timeoutMs: o.timeoutMs,
        onOperatorDetail: o.onOperatorDetail,
      }).message,
  );


  let key: KeyVaultKey | undefined;
  const plaintext = randomBytes(32);
  let wrapped: Buffer | undefined;
  try {
    await step(KEY_VAULT_OPERATIONS.getKey, async () => {
      key = await session.getKey();
      const problems = keyProblems(key, o.now());
      if (problems.length > 0) throw new CustomerKeyError(problems[0].kind, "keyvault:GetKey", problems.map((p) => p.message).join("; "));
      return describeKey(key, o.keyVersion === undefined);
    });
    await step(RECOVERY_LEVEL_STEP, async () => {
      const level = key?.properties.recoveryLevel;
      const problem = recoveryLevelProblem(level, o.vaultUrl);
      if (problem !== undefined) throw new CustomerKeyError("invalid-key", "keyvault:GetKey", problem);
      const days = key?.properties.recoverableDays;
      return `soft delete and purge protection are on (recoveryLevel ${level}${days ? `, deleted keys kept ${days} days` : ""})`;
    });
    await step(KEY_VAULT_OPERATIONS.wrapKey, async () => {
      wrapped = await session.wrap(key?.id as string, plaintext);
      return `wrapped 32 random bytes with ${WRAP_ALGORITHM} under ${key?.id}`;
    });
    await step(KEY_VAULT_OPERATIONS.unwrapKey, async () => {
      const unwrapped = await session.unwrap(key?.id as string, wrapped as Buffer);
      const same = unwrapped.length === plaintext.length && timingSafeEqual(unwrapped, plaintext);
      unwrapped.fill(0);
      if (!same) {
        throw new CustomerKeyError("invalid-key", "keyvault:UnwrapKey", `keyvault:UnwrapKey returned different bytes than were wrapped under ${key?.id} — the key does not round-trip data keys`);
      }
      return `unwrapped them with ${key?.id}; the round trip returned the same 32 bytes`;
    });
  } finally {
    plaintext.fill(0);
  }
  return checks;
}
