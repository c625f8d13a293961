/**
 * Drift rules: declared (stack state) against platform, and declared against live. Each side's
 * value goes into the finding, so the reader sees which side moved.
 */
import { canonicalJson, keyConfigOf, sameCanonical } from "../../sdk";
import type { AccountEvidence, DeclaredByok, Finding, IamPolicy, IamStatement } from "../model";
import { byokCloudId, finding } from "./finding";

/** Statements as a list, whether IAM wrote one or many. */
export const statementsOf = (p: IamPolicy | undefined): readonly IamStatement[] => (p === undefined ? [] : Array.isArray(p.Statement) ? p.Statement : [p.Statement as IamStatement]);

/** A policy in a comparable form: statements as a list, one-element lists as scalars, canonical JSON. */
export function policyForm(p: IamPolicy | undefined): string {
  const one = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? one(v[0]) : Array.isArray(v) ? [...v].map(one).sort() : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, one(x)])) : v);
  return canonicalJson(statementsOf(p).map((s) => one(s)));
}

const sameDate = (a: string, b: string) => Date.parse(a) === Date.parse(b);

/** declared ≠ platform: configuration deleted, key or role changed, nickname, activation date, status. */
export function platformDrift(ev: AccountEvidence, d: DeclaredByok): Finding[] {
  const byok = ev.platform.state.byok;
  const resource = { urn: d.urn, cloudId: byokCloudId(ev.accountId) };
  if (byok === null) {
    return [finding("configurationDeleted", ev, d, { resource, message: `account ${ev.accountId}: ${d.stack} declares a BYOK configuration, the platform has none (mode ${ev.platform.state.mode})`, declared: keyConfigOf(d.config), platform: null, evidence: lastEvent(ev, "byok.reverted") })];
  }
  const out: Finding[] = [];
  if (!sameCanonical(keyConfigOf(d.config), keyConfigOf(byok))) {
    out.push(finding("keyDrift", ev, d, { resource, message: `account ${ev.accountId}: the platform uses another key than ${d.stack} declares`, declared: keyConfigOf(d.config), platform: keyConfigOf(byok), evidence: { updatedAt: byok.updatedAt, etag: byok.etag } }));
  }
  if (d.nickname !== byok.nickname) {
    out.push(finding("nicknameDrift", ev, d, { resource, message: `account ${ev.accountId}: nickname is ${JSON.stringify(byok.nickname)} on the platform, ${JSON.stringify(d.nickname)} in ${d.stack}`, declared: d.nickname, platform: byok.nickname, evidence: { updatedAt: byok.updatedAt, etag: byok.etag } }));
  }
  if (!sameDate(d.activationDate, byok.activationDate)) {
    out.push(finding("activationDateDrift", ev, d, { resource, message: `account ${ev.accountId}: activationDate is ${byok.activationDate} on the platform, ${d.activationDate} in ${d.stack}`, declared: d.activationDate, platform: byok.activationDate, evidence: { updatedAt: byok.updatedAt, etag: byok.etag } }));
  }
  if (byok.status === "degraded" || byok.status === "invalid") {
    const fallback = ev.platform.state.fallback;
    out.push(
      finding("statusDegraded", ev, d, {
        resource,
        message: `account ${ev.accountId}: status ${byok.status}${fallback ? ` since ${fallback.since}: ${fallback.reason}` : ""}`,
        declared: "active",
        platform: byok.status,
        evidence: { effectiveKeySource: ev.platform.state.effectiveKeySource, fallback, validationCheckedAt: byok.validation.checkedAt, validationOk: byok.validation.ok },
      }),
    );
  }
  return out;
}

function lastEvent(ev: AccountEvidence, type: string): Record<string, unknown> {
  const e = [...ev.platform.events].reverse().find((x) => x.type === type);
  return e ? { event: e.type, seq: e.seq, at: e.at } : {};
}

/** declared ≠ live (AWS): the stack's key, role and policies against what AWS answers. Needs both sides. */
export function awsLiveDrift(ev: AccountEvidence, d: DeclaredByok): Finding[] {
  const live = ev.live;
  if (live?.provider !== "aws" || d.config.provider !== "aws") return [];
  const out: Finding[] = [];
  for (const gone of live.missing) {
    const cloudId = gone === "key" ? d.config.aws.keyArn : d.config.aws.roleArn;
    const urn = gone === "key" ? d.aws?.key?.urn : d.aws?.role?.urn;
    out.push(finding("liveMissing", ev, d, { resource: { urn, cloudId }, message: `account ${ev.accountId}: the ${gone === "key" ? "KMS key" : "IAM role"} ${cloudId} does not exist`, declared: cloudId, live: null, evidence: { ...live.requestIds } }));
  }
  const dk = d.aws?.key;
  if (dk && live.key) {
    const diffs: Record<string, { declared: unknown; live: unknown }> = {};
    if (dk.enableKeyRotation !== undefined && live.key.rotationEnabled !== undefined && dk.enableKeyRotation !== live.key.rotationEnabled) diffs.enableKeyRotation = { declared: dk.enableKeyRotation, live: live.key.rotationEnabled };
    if (dk.enableKeyRotation && live.key.rotationEnabled && dk.rotationPeriodInDays !== undefined && dk.rotationPeriodInDays !== live.key.rotationPeriodDays) diffs.rotationPeriodInDays = { declared: dk.rotationPeriodInDays, live: live.key.rotationPeriodDays };
    if (dk.isEnabled !== undefined && dk.isEnabled !== live.key.enabled) diffs.isEnabled = { declared: dk.isEnabled, live: live.key.enabled };
    if (dk.policy && live.key.policy && policyForm(dk.policy) !== policyForm(live.key.policy)) diffs.policy = { declared: dk.policy, live: live.key.policy };
    out.push(...diffFindings(ev, d, { urn: dk.urn, cloudId: d.config.aws.keyArn }, "KMS key", diffs, live.requestIds));
  }
  const dr = d.aws?.role;
  if (dr && live.role) {
    const diffs: Record<string, { declared: unknown; live: unknown }> = {};
    if (dr.trust && policyForm(dr.trust) !== policyForm(live.role.trust)) diffs.assumeRolePolicy = { declared: dr.trust, live: live.role.trust };
    out.push(...diffFindings(ev, d, { urn: dr.urn, cloudId: d.config.aws.roleArn }, "IAM role", diffs, live.requestIds));
    for (const p of d.aws?.rolePolicies ?? []) {
      const l = live.role.policies.find((x) => x.name === p.name);
      if (!l || (p.policy && policyForm(p.policy) !== policyForm(l.policy))) {
        out.push(...diffFindings(ev, d, { urn: p.urn, cloudId: `${d.config.aws.roleArn}/policy/${p.name}` }, "role policy", { policy: { declared: p.policy ?? null, live: l?.policy ?? null } }, live.requestIds));
      }
    }
  }
  return out;
}

function diffFindings(ev: AccountEvidence, d: DeclaredByok, resource: { urn?: string; cloudId: string }, what: string, diffs: Record<string, { declared: unknown; live: unknown }>, requestIds: Readonly<Record<string, string>>): Finding[] {
  const props = Object.keys(diffs);
  if (props.length === 0) return [];
  const declared = Object.fromEntries(props.map((k) => [k, diffs[k]!.declared]));
  const live = Object.fromEntries(props.map((k) => [k, diffs[k]!.live]));
  return [finding("liveDrift", ev, d, { resource, message: `account ${ev.accountId}: the ${what} ${resource.cloudId} differs from ${d.stack} in ${props.join(", ")}`, declared, live, evidence: { properties: props, ...requestIds } })];
}
