/**
 * The AWS validation chain: `sts:AssumeRole` → `kms:DescribeKey` → `kms:GenerateDataKey` →
 * `kms:Decrypt`, each a real call and one `ValidationCheck`, plus the pure checks it applies
 * (key metadata, trust policy).
 *
 * After a failed step the later steps are not run: each is reported with status `skipped`. Running them would only repeat the
 * first failure (no role → no KMS call can succeed; a disabled key → every KMS call fails) and
 * would make calls against a key the platform already knows it cannot use. So the first failed
 * check is the one to fix, and the list always has the same four names in the same order.
 */
import { validationChain } from "../chain";
import { DescribeKeyCommand, GetKeyRotationStatusCommand, type KeyMetadata } from "@aws-sdk/client-kms";
import { timingSafeEqual } from "node:crypto";
import { AWS_ACTIONS, ENCRYPTION_CONTEXT_KEY, type AwsValidationStep } from "../../../sdk/contract";
import type { ValidationCheck } from "../../../sdk/schemas";
import { CustomerKeyError } from "../types";
import type { AwsKeySession } from "./customerKey";
import { arnRegion, awsErrorCode, mapAwsError, principalLabel } from "./errors";


/**
 * What is wrong with a key for the platform's use, from DescribeKey's metadata; empty when it is
 * usable: Enabled, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, and in the region the registered ARN names.
 * Key states: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
 */
export function keyMetadataProblems(meta: KeyMetadata, keyArn: string): string[] {
  const problems: string[] = [];
  const state = meta.KeyState;
  if (state === "PendingDeletion" || state === "PendingReplicaDeletion") {
    const when = meta.DeletionDate ? ` (deletion on ${meta.DeletionDate.toISOString()})` : "";
    problems.push(`key ${keyArn} is pending deletion${when} — cancel the deletion (kms:CancelKeyDeletion), then enable the key (kms:EnableKey)`);
  } else if (state === "Disabled" || (state === "Enabled" && meta.Enabled === false) || (state === undefined && meta.Enabled === false)) {
    problems.push(`key ${keyArn} is disabled — enable it (kms:EnableKey)`);
  } else if (state !== undefined && state !== "Enabled") {
    problems.push(`key ${keyArn} is in state ${state}, not Enabled — the platform can use it only once it is Enabled`);
  }
  const spec = meta.KeySpec ?? meta.CustomerMasterKeySpec;
  if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") {
    problems.push(`key ${keyArn} has key spec ${spec} — the platform needs a SYMMETRIC_DEFAULT (AES-256) encryption key`);
  }
  if (meta.KeyUsage !== undefined && meta.KeyUsage !== "ENCRYPT_DECRYPT") {
    problems.push(`key ${keyArn} has key usage ${meta.KeyUsage} — the platform needs KeyUsage ENCRYPT_DECRYPT`);
  }
  if (meta.Arn !== undefined && arnRegion(meta.Arn) !== arnRegion(keyArn)) {
    problems.push(
      `wrong region: DescribeKey returned ${meta.Arn} in ${arnRegion(meta.Arn)}, but the registered key ARN is in ${arnRegion(keyArn)} — ` +
        "register the ARN of the key in the region that holds it",
    );
  }
  return problems;
}

/** What the trust policy check needs to know. */
export interface TrustExpectation {
  readonly roleArn: string;
  readonly accountId: string;
  readonly externalId: string;
  /** When given, a trusting statement must name it (or its account root, or `*`). */
  readonly platformPrincipalArn?: string;
}

/** The verdict on a role's trust policy. */
export interface TrustFinding {
  readonly ok: boolean;
  readonly message: string;
}

/** A parsed JSON policy value. */
export type Json = unknown;

/** A policy field that may be one value or a list, as a list. */
export function asArray(v: Json): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The string entries of a policy field (e.g. Action, Resource). */
export function strings(v: Json): string[] {
  return asArray(v).filter((x): x is string => typeof x === "string");
}

function allowsAssumeRole(actions: Json): boolean {
  return strings(actions).some((a) => ["sts:assumerole", "sts:*", "*"].includes(a.toLowerCase()));
}

/** The `AWS` principals of a statement (`"*"` is a plain string principal). */
function awsPrincipals(principal: Json): string[] {
  if (principal === "*") return ["*"];
  if (typeof principal !== "object" || principal === null) return [];
  return strings((principal as Record<string, Json>).AWS);
}

/** Does a principal entry cover the platform principal? The ARN itself, `*`, its account root or bare account ID. */
function principalCovers(entry: string, platformPrincipalArn: string): boolean {
  if (entry === "*" || entry === platformPrincipalArn) return true;
  const account = platformPrincipalArn.split(":")[4];
  const partition = platformPrincipalArn.split(":")[1];
  return account !== undefined && (entry === account || entry === `arn:${partition}:iam::${account}:root`);
}

/** The `StringEquals sts:ExternalId` values of a statement (condition keys are case-insensitive). */
function externalIds(condition: Json): string[] | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  const equals = (condition as Record<string, Json>).StringEquals;
  if (typeof equals !== "object" || equals === null) return undefined;
  const entry = Object.entries(equals as Record<string, Json>).find(([k]) => k.toLowerCase() === "sts:externalid");
  return entry === undefined ? undefined : strings(entry[1]);
}

/** Parses an AssumeRolePolicyDocument: IAM returns it URL-encoded (RFC 3986), some tools plain JSON. */
export function parsePolicyDocument(document: string): Json {
  try {
    return JSON.parse(document);
  } catch {
    return JSON.parse(decodeURIComponent(document));
  }
}

/**
 * The platform's own structural check of a role's trust policy: some Allow statement must allow
 * sts:AssumeRole (to the platform principal, when known) with
 * `StringEquals sts:ExternalId = <the account's external ID>`. Explicit Deny statements and other
 * condition operators are not evaluated: this stands in for STS where STS is an emulator (moto)
 * that ignores the condition, it does not replace it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
 */
export function checkTrustPolicy(document: string, expect: TrustExpectation): TrustFinding {
  let policy: Json;
  try {
    policy = parsePolicyDocument(document);
  } catch {
    return { ok: false, message: `the trust policy of ${expect.roleArn} is not valid JSON — rewrite it as an IAM policy document` };
  }
  const statements = asArray((policy as Record<string, Json> | null)?.Statement).filter(
    (s): s is Record<string, Json> => typeof s === "object" && s !== null,
  );
  const wanted = `StringEquals sts:ExternalId = ${expect.externalId}`;
  const allowing = statements.filter((s) => s.Effect === "Allow" && allowsAssumeRole(s.Action));
  if (allowing.length === 0) {
    return {
      ok: false,
      message:
        `the trust policy of ${expect.roleArn} has no statement that allows sts:AssumeRole — ` +
        `add one for ${principalLabel(expect)} with condition ${wanted}`,
    };
  }
  const principal = expect.platformPrincipalArn;
  const trusting = principal === undefined ? allowing : allowing.filter((s) => awsPrincipals(s.Principal).some((p) => principalCovers(p, principal)));
  if (principal !== undefined && trusting.length === 0) {
    const named = [...new Set(allowing.flatMap((s) => awsPrincipals(s.Principal)))];
    return {
      ok: false,
      message:
        `the trust policy of ${expect.roleArn} does not trust the platform principal ${principal}` +
        (named.length > 0 ? ` (it trusts ${named.join(", ")})` : "") +
        ` — set Principal.AWS to ${principal} with condition ${wanted}`,
    };
  }
  const ids = trusting.map((s) => externalIds(s.Condition));
  if (ids.some((values) => values?.includes(expect.externalId))) {
    return { ok: true, message: `trust policy allows sts:AssumeRole with sts:ExternalId = ${expect.externalId}` };
  }
  const others = [...new Set(ids.flatMap((values) => values ?? []))];
  if (others.length > 0) {
    return {
      ok: false,
      message:
        `external ID mismatch: the role trusts sts:ExternalId=${others.join(",")}, the platform uses ${expect.externalId} ` +
        `for ${expect.accountId}; set the condition to ${expect.externalId}`,
    };
  }
  return {
    ok: false,
    message:
      `the trust policy of ${expect.roleArn} allows sts:AssumeRole without an sts:ExternalId condition — add ${wanted} ` +
      "(it stops other platform accounts from using this role: the confused-deputy problem)",
  };
}

/** The rotation note of the DescribeKey check; never a failure (the documented policy grants DescribeKey only). */
async function rotationNote(session: AwsKeySession): Promise<string> {
  const { keyArn } = session.options;
  try {
    const status = await session.kms("kms:GetKeyRotationStatus", keyArn, (client, abortSignal) =>
      client.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }), { abortSignal }),
    );
    if (status.KeyRotationEnabled === true) {
      return `rotation enabled${status.RotationPeriodInDays ? ` (every ${status.RotationPeriodInDays} days)` : ""}`;
    }
    return "rotation disabled — turn on automatic rotation (kms:EnableKeyRotation, 90 days to match the platform)";
  } catch (err) {
    if (err instanceof CustomerKeyError && err.kind === "access-denied") {
      return "rotation status unknown (kms:GetKeyRotationStatus is denied; the documented role policy grants kms:DescribeKey only)";
    }
    const reason = err instanceof CustomerKeyError ? err.kind : awsErrorCode(err);
    return `rotation status unknown (kms:GetKeyRotationStatus failed: ${reason})`;
  }
}

async function describeKeyStep(session: AwsKeySession): Promise<string> {
  const { keyArn } = session.options;
  // The rotation note never throws, so it runs beside DescribeKey: one round trip, not two.
  const [described, note] = await Promise.all([
    session.kms("kms:DescribeKey", keyArn, (client, abortSignal) => client.send(new DescribeKeyCommand({ KeyId: keyArn }), { abortSignal })),
    rotationNote(session),
  ]);
  const meta = described.KeyMetadata;
  if (meta === undefined) {
    throw new CustomerKeyError("unavailable", "kms:DescribeKey", `kms:DescribeKey returned no key metadata for ${keyArn} — retry later`);
  }
  const problems = keyMetadataProblems(meta, keyArn);
  if (problems.length > 0) {
    const state = meta.KeyState;
    const kind = state === "PendingDeletion" || state === "PendingReplicaDeletion" ? "pending-deletion" : state !== "Enabled" || meta.Enabled === false ? "disabled" : "invalid-key";
    throw new CustomerKeyError(kind, "kms:DescribeKey", problems.join("; "));
  }
  const spec = meta.KeySpec ?? meta.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
  return `key ${meta.Arn ?? keyArn} is Enabled, ${spec}, ${meta.KeyUsage ?? "ENCRYPT_DECRYPT"} in ${arnRegion(keyArn)}; ${note}`;
}

/**
 * Runs the chain with real calls; never throws. The AssumeRole step always assumes the role
 * afresh (and refreshes the cached session), so a changed trust policy shows at once.
 */
export async function validateAwsKey(session: AwsKeySession): Promise<ValidationCheck[]> {
  const o = session.options;
  const { checks, step } = validationChain<AwsValidationStep>(
    (name, err) =>
      mapAwsError(err, {
        action: name,
        accountId: o.accountId,
        keyArn: o.keyArn,
        roleArn: o.roleArn,
        externalId: o.externalId,
        platformPrincipalArn: o.platformPrincipalArn,
        timeoutMs: o.timeoutMs,
      }).message,
  );


  let plaintext: Buffer | undefined;
  let wrapped: Buffer | undefined;
  try {
    await step(AWS_ACTIONS.assumeRole, async () => {
      const assumed = await session.assumeRole(true);
      return (
        `assumed ${o.roleArn} as ${o.sessionName} with the external ID of ${o.accountId}; session valid until ${assumed.expiration.toISOString()}` +
        (assumed.trustNote ? `; ${assumed.trustNote}` : "")
      );
    });
    await step(AWS_ACTIONS.describeKey, () => describeKeyStep(session));
    await step(AWS_ACTIONS.generateDataKey, async () => {
      const note = await session.inspectKeyUse("kms:GenerateDataKey");
      const dataKey = await session.generateDataKey();
      plaintext = dataKey.plaintext;
      wrapped = dataKey.wrapped;
      return `generated an AES-256 data key under ${dataKey.keyVersion} with encryption context ${ENCRYPTION_CONTEXT_KEY} = ${o.accountId}${note ? `; ${note}` : ""}`;
    });
    await step(AWS_ACTIONS.decrypt, async () => {
      await session.inspectKeyUse("kms:Decrypt");
      const unwrapped = await session.unwrapDataKey(wrapped as Buffer, o.keyArn);
      const same = plaintext !== undefined && unwrapped.length === plaintext.length && timingSafeEqual(unwrapped, plaintext);
      unwrapped.fill(0);
      if (!same) {
        throw new CustomerKeyError(
          "invalid-key",
          "kms:Decrypt",
          `kms:Decrypt returned different bytes than kms:GenerateDataKey generated under ${o.keyArn} — the key does not round-trip data keys`,
        );
      }
      return `unwrapped the data key under ${o.keyArn} with encryption context ${ENCRYPTION_CONTEXT_KEY} = ${o.accountId}; the round trip returned the generated key`;
    });
  } finally {
    plaintext?.fill(0);
  }
  return checks;
}
