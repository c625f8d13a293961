/**
 * Posture rules: the key and its access, judged on the live view when the audit reads it and on
 * the declared state otherwise (the finding says which: `live` or `declared` holds the value).
 * Thresholds come from the catalog (sdk/contract/posture.ts), shared with the policy pack.
 */
import { DOCUMENTED_POLICY_CONDITION_VALUE, ENCRYPTION_CONTEXT_CONDITION_KEY } from "../../sdk/contract/aws";
import { POSTURE_THRESHOLDS as T } from "../../sdk/contract/posture";
import type { AccountEvidence, DeclaredByok, Finding, IamStatement } from "../model";
import { statementsOf } from "./drift";
import { finding } from "./finding";

const DAY_MS = 24 * 3600 * 1000;
const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === "string" ? [v] : v);
const allows = (s: IamStatement, action: string) => s.Effect === "Allow" && list(s.Action).some((a) => a === action || a === "*" || a === `${action.split(":")[0]}:*`);

/** The principals a trust statement names (`"*"` for an anonymous one). */
function principals(s: IamStatement): string[] {
  if (s.Principal === undefined) return [];
  if (typeof s.Principal === "string") return [s.Principal];
  return Object.values(s.Principal).flatMap((v) => list(v));
}

/** The external ids a statement requires with `StringEquals` (the form the platform documents). */
function externalIds(s: IamStatement): readonly string[] {
  return list(s.Condition?.StringEquals?.[T.externalIdConditionKey]);
}

/** AWS posture: key state, rotation, trust and the role's policies. */
export function awsPosture(ev: AccountEvidence, d: DeclaredByok | undefined): Finding[] {
  const ref = d?.config.provider === "aws" ? d.config.aws : ev.platform.state.byok?.provider === "aws" ? ev.platform.state.byok.aws : undefined;
  if (!ref) return [];
  const live = ev.live?.provider === "aws" ? ev.live : undefined;
  const out: Finding[] = [];
  const keyRes = { urn: d?.aws?.key?.urn, cloudId: ref.keyArn };
  const roleRes = { urn: d?.aws?.role?.urn, cloudId: ref.roleArn };
  const ids = live?.requestIds ?? {};

  if (live?.key) {
    const k = live.key;
    if (k.keyState === "PendingDeletion" || k.keyState === "PendingReplicaDeletion") {
      out.push(finding("keyPendingDeletion", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the KMS key ${ref.keyArn} is scheduled for deletion on ${k.deletionDate}`, live: { keyState: k.keyState, deletionDate: k.deletionDate }, evidence: ids }));
    } else if (k.keyState === "Disabled" || !k.enabled) {
      out.push(finding("keyDisabled", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the KMS key ${ref.keyArn} is disabled`, declared: d?.aws?.key?.isEnabled, live: { keyState: k.keyState, enabled: k.enabled }, evidence: ids }));
    }
  }
  // Rotation: live when read, else declared.
  const rotation = live?.key?.rotationEnabled !== undefined ? { side: "live" as const, on: live.key.rotationEnabled, days: live.key.rotationPeriodDays } : d?.aws?.key?.enableKeyRotation !== undefined ? { side: "declared" as const, on: d.aws.key.enableKeyRotation, days: d.aws.key.rotationPeriodInDays } : undefined;
  if (rotation && !rotation.on) {
    out.push(finding("rotationOff", ev, d, { resource: keyRes, message: `account ${ev.accountId}: automatic rotation of the KMS key ${ref.keyArn} is off (${rotation.side})`, [rotation.side]: { rotationEnabled: false }, evidence: ids, fix: `aws kms enable-key-rotation --key-id ${ref.keyArn} --rotation-period-in-days 90, or enableKeyRotation: true in the stack` }));
  } else if (rotation?.days !== undefined && rotation.days > T.maxRotationPeriodDays) {
    out.push(finding("rotationPeriodTooLong", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the KMS key ${ref.keyArn} rotates every ${rotation.days} days (more than ${T.maxRotationPeriodDays})`, [rotation.side]: { rotationPeriodDays: rotation.days }, evidence: ids }));
  }

  // Trust: live when read, else declared.
  const trust = live?.role ? { side: "live" as const, doc: live.role.trust } : d?.aws?.role?.trust ? { side: "declared" as const, doc: d.aws.role.trust } : undefined;
  const expected = ev.platform.trust.aws;
  if (trust && expected) {
    const assume = statementsOf(trust.doc).filter((s) => allows(s, "sts:AssumeRole"));
    const others = [...new Set(assume.flatMap(principals).filter((p) => p !== expected.principalArn))];
    if (others.length > 0) {
      out.push(finding("trustOtherPrincipal", ev, d, { resource: roleRes, message: `account ${ev.accountId}: the role ${ref.roleArn} also trusts ${others.join(", ")} (${trust.side})`, platform: expected.principalArn, [trust.side]: others, evidence: ids }));
    }
    const withoutId = assume.filter((s) => !externalIds(s).includes(expected.externalId));
    if (withoutId.length > 0) {
      const found = [...new Set(withoutId.flatMap(externalIds))];
      out.push(
        finding("trustWithoutExternalId", ev, d, {
          resource: roleRes,
          message: `account ${ev.accountId}: the role ${ref.roleArn} can be assumed without sts:ExternalId = the account's external id (${trust.side}: ${found.length ? `requires ${found.join(", ")}` : "no sts:ExternalId condition"})`,
          platform: { externalIdRequired: true },
          [trust.side]: { externalIds: found, statements: withoutId.map((s) => s.Sid ?? null) },
          evidence: ids,
        }),
      );
    }
  }

  // The role's policies: the seed's documented policy, wildcard resources.
  const policies = live?.role ? live.role.policies.map((p) => ({ ...p, side: "live" as const })) : (d?.aws?.rolePolicies ?? []).flatMap((p) => (p.policy ? [{ name: p.name, policy: p.policy, side: "declared" as const }] : []));
  for (const p of policies) {
    const kms = statementsOf(p.policy).filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => a.startsWith("kms:") || a === "*"));
    const documented = kms.filter((s) => list(s.Condition?.StringEquals?.[ENCRYPTION_CONTEXT_CONDITION_KEY]).includes(DOCUMENTED_POLICY_CONDITION_VALUE));
    const res = { urn: d?.aws?.rolePolicies.find((x) => x.name === p.name)?.urn, cloudId: `${ref.roleArn}/policy/${p.name}` };
    if (documented.length > 0) {
      out.push(finding("documentedPolicy", ev, d, { resource: res, message: `account ${ev.accountId}: the role policy ${p.name} is the seed documentation's (tenant_id compared with \${aws:RequestedRegion})`, [p.side]: { condition: { [ENCRYPTION_CONTEXT_CONDITION_KEY]: DOCUMENTED_POLICY_CONDITION_VALUE } }, evidence: ids }));
    }
    const wild = kms.filter((s) => !documented.includes(s) && list(s.Resource).some((r) => r.includes("*")));
    if (wild.length > 0) {
      out.push(finding("wildcardResource", ev, d, { resource: res, message: `account ${ev.accountId}: the role policy ${p.name} allows KMS actions on ${[...new Set(wild.flatMap((s) => list(s.Resource)))].join(", ")}`, [p.side]: { resources: [...new Set(wild.flatMap((s) => list(s.Resource)))] }, evidence: ids }));
    }
  }
  return out;
}

/** Azure posture: key state, expiry, size, rotation, vault protection and RBAC. */
export function azurePosture(ev: AccountEvidence, d: DeclaredByok | undefined): Finding[] {
  const ref = d?.config.provider === "azure" ? d.config.azure : ev.platform.state.byok?.provider === "azure" ? ev.platform.state.byok.azure : undefined;
  if (!ref) return [];
  const live = ev.live?.provider === "azure" ? ev.live : undefined;
  const out: Finding[] = [];
  const keyRes = { urn: d?.azure?.key?.urn, cloudId: live?.key?.id ?? `${ref.vaultUrl.replace(/\/?$/, "/")}keys/${ref.keyName}` };
  const k = live?.key;
  if (k) {
    if (!k.enabled) out.push(finding("keyDisabled", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the Key Vault key ${keyRes.cloudId} is disabled`, live: { enabled: false } }));
    if (k.expiresOn === undefined) out.push(finding("keyNoExpiry", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the Key Vault key ${keyRes.cloudId} has no expiration date`, live: { expiresOn: null } }));
    else if (Date.parse(k.expiresOn) - Date.parse(ev.now) < T.expiryWarningDays * DAY_MS) {
      out.push(finding("keyExpiring", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the Key Vault key ${keyRes.cloudId} expires on ${k.expiresOn}`, live: { expiresOn: k.expiresOn }, evidence: { now: ev.now } }));
    }
  }
  const size = k?.keySize !== undefined ? { side: "live" as const, v: k.keySize } : d?.azure?.key?.keySize !== undefined ? { side: "declared" as const, v: d.azure.key.keySize } : undefined;
  if (size && size.v < T.minRsaKeySize) out.push(finding("rsaKeyTooSmall", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the RSA key ${keyRes.cloudId} has ${size.v} bits`, [size.side]: { keySize: size.v } }));
  const rot = k?.rotates !== undefined ? { side: "live" as const, on: k.rotates, days: k.rotationPeriodDays } : d?.azure?.key?.rotates !== undefined ? { side: "declared" as const, on: d.azure.key.rotates, days: d.azure.key.rotationPeriodDays } : undefined;
  if (rot && !rot.on) out.push(finding("rotationOff", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the Key Vault key ${keyRes.cloudId} has no rotation policy with a Rotate action (${rot.side})`, [rot.side]: { rotates: false } }));
  else if (rot?.days !== undefined && rot.days > T.maxRotationPeriodDays) out.push(finding("rotationPeriodTooLong", ev, d, { resource: keyRes, message: `account ${ev.accountId}: the Key Vault key ${keyRes.cloudId} rotates every ${rot.days} days`, [rot.side]: { rotationPeriodDays: rot.days } }));
  const v = d?.azure?.vault;
  if (v) {
    const vaultRes = { urn: v.urn, cloudId: ref.vaultUrl };
    if (v.enablePurgeProtection !== true || v.enableSoftDelete === false) {
      out.push(finding("purgeProtectionOff", ev, d, { resource: vaultRes, message: `account ${ev.accountId}: the vault ${ref.vaultUrl} has ${v.enablePurgeProtection !== true ? "no purge protection" : "soft delete off"} (declared)`, declared: { enablePurgeProtection: v.enablePurgeProtection ?? null, enableSoftDelete: v.enableSoftDelete ?? null } }));
    }
    if (v.enableRbacAuthorization !== true) out.push(finding("vaultRbacOff", ev, d, { resource: vaultRes, message: `account ${ev.accountId}: the vault ${ref.vaultUrl} uses access policies (declared)`, declared: { enableRbacAuthorization: v.enableRbacAuthorization ?? null } }));
  }
  return out;
}

/** One `coverage.not-read` finding per read the customer-key view could not make. */
export function coverage(ev: AccountEvidence, d: DeclaredByok | undefined): Finding[] {
  const live = ev.live;
  if (!live) return [];
  const cloudId = d?.config.provider === "aws" ? d.config.aws.keyArn : d?.config.provider === "azure" ? `${d.config.azure.vaultUrl}keys/${d.config.azure.keyName}` : `accounts/${ev.accountId}`;
  return live.notRead.map((n) => finding("notRead", ev, d, { resource: { cloudId }, message: `account ${ev.accountId}: ${n.what} was not read: ${n.reason}`, evidence: { what: n.what, reason: n.reason } }));
}
