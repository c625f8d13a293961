// The audit's rules, one broken fact at a time over a healthy account (fixtures.ts): which rule
// fires, with which values, and that a healthy account has no finding at all.
import { expect } from "chai";
import { documentedRolePolicy } from "../../../components/aws/policies";
import type { AccountEvidence } from "../../../audit/model";
import { judge } from "../../../audit/rules";
import { fallbackIntervals } from "../../../audit/rules/history";
import { azurePosture } from "../../../audit/rules/posture";
import { ACCOUNT, EXTERNAL_ID, NOW, PRINCIPAL, SINCE, awsLive, declared, evidence, platformState } from "./fixtures";

const ids = (ev: AccountEvidence) => judge(ev).map((f) => f.ruleId);
const event = (seq: number, type: string, at: string, data: Record<string, unknown> = {}) => ({ seq, accountId: ACCOUNT, type: type as never, at, data });

describe("audit rules", () => {
  it("finds nothing on a healthy account", () => {
    expect(judge(evidence())).to.deep.equal([]);
  });

  it("drift: nickname, activation date, key, deleted configuration, degraded status, each side's value in the finding", () => {
    const nick = judge(evidence({ platform: { ...evidence().platform, state: platformState({ nickname: "renamed" }) } }));
    expect(nick.map((f) => [f.ruleId, f.severity, f.declared, f.platform])).to.deep.equal([["drift.nickname", "low", "Production key", "renamed"]]);
    expect(nick[0]!.resource).to.deep.equal({ urn: declared().urn, cloudId: `accounts/${ACCOUNT}/key-management/byok` });

    expect(ids(evidence({ platform: { ...evidence().platform, state: platformState({ activationDate: "2026-03-01" }) } }))).to.deep.equal(["drift.activation-date"]);
    // The same date written differently is no drift.
    expect(ids(evidence({ platform: { ...evidence().platform, state: platformState({ activationDate: "2026-01-01T00:00:00Z" }) } }))).to.deep.equal([]);
    const other = { keyArn: "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000", roleArn: declared().config.provider === "aws" ? (declared().config as { aws: { roleArn: string } }).aws.roleArn : "" };
    expect(ids(evidence({ platform: { ...evidence().platform, state: platformState({ aws: other } as never) } }))).to.deep.equal(["drift.key"]);
    const deleted = judge(evidence({ platform: { ...evidence().platform, state: platformState({}, { byok: null, mode: "platform-managed", effectiveKeySource: "platform" }) } }));
    expect(deleted.map((f) => [f.ruleId, f.platform])).to.deep.equal([["drift.configuration-deleted", null]]);
    const degraded = judge(evidence({ platform: { ...evidence().platform, state: platformState({ status: "degraded" }, { effectiveKeySource: "platform-fallback", fallback: { reason: "kms:GenerateDataKey: timeout", since: "2026-11-30T11:00:00.000Z" } }) } }));
    expect(degraded.map((f) => f.ruleId)).to.deep.equal(["drift.status-degraded", "history.fallback"]);
    expect(degraded[0]!.evidence).to.deep.include({ effectiveKeySource: "platform-fallback" });
  });

  it("drift: the live key, trust and policy against the stack's state", () => {
    const live = awsLive();
    const f = judge(evidence({ live: { ...live, key: { ...live.key!, rotationPeriodDays: 180 } } }));
    expect(f.map((x) => [x.ruleId, x.declared, x.live])).to.deep.equal([["drift.live", { rotationPeriodInDays: 90 }, { rotationPeriodInDays: 180 }]]);
    expect(ids(evidence({ live: { ...live, role: { ...live.role!, policies: [] } } }))).to.deep.equal(["drift.live"]);
    expect(ids(evidence({ live: { ...live, key: undefined, missing: ["key"] } }))).to.deep.equal(["drift.live-missing"]);
    // A policy that only reorders statements' actions or wraps one statement in a list is the same policy.
    const trust = live.role!.trust;
    const statement = Array.isArray(trust.Statement) ? trust.Statement[0] : trust.Statement;
    expect(ids(evidence({ live: { ...live, role: { ...live.role!, trust: { Version: "2012-10-17", Statement: statement as never } } } }))).to.deep.equal([]);
  });

  it("posture (AWS): rotation, period, disabled, pending deletion, trust, documented policy, wildcard", () => {
    const live = awsLive();
    const off = judge(evidence({ live: { ...live, key: { ...live.key!, rotationEnabled: false, rotationPeriodDays: undefined } } }));
    expect(off.map((f) => [f.ruleId, f.severity, f.live])).to.deep.equal([
      ["drift.live", "medium", { enableKeyRotation: false }],
      ["posture.key-rotation-off", "high", { rotationEnabled: false }],
    ]);
    expect(ids(evidence({ declared: [declared({ aws: undefined })], live: { ...live, key: { ...live.key!, rotationPeriodDays: 400 } } }))).to.deep.equal(["posture.key-rotation-period"]);
    expect(ids(evidence({ declared: [declared({ aws: undefined })], live: { ...live, key: { ...live.key!, keyState: "Disabled", enabled: false } } }))).to.deep.equal(["posture.key-disabled"]);
    const pending = judge(evidence({ declared: [declared({ aws: undefined })], live: { ...live, key: { ...live.key!, keyState: "PendingDeletion", enabled: false, deletionDate: "2026-12-07T00:00:00.000Z" } } }));
    expect(pending.map((f) => [f.ruleId, f.live])).to.deep.equal([["posture.key-pending-deletion", { keyState: "PendingDeletion", deletionDate: "2026-12-07T00:00:00.000Z" }]]);

    const noId = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: PRINCIPAL }, Action: "sts:AssumeRole" }] };
    const t = judge(evidence({ declared: [declared({ aws: undefined })], live: { ...live, role: { ...live.role!, trust: noId } } }));
    expect(t.map((f) => [f.ruleId, f.live])).to.deep.equal([["posture.trust-no-external-id", { externalIds: [], statements: [null] }]]);
    const wrongId = { Statement: [{ Effect: "Allow", Principal: { AWS: [PRINCIPAL, "arn:aws:iam::444455556666:root"] }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "other" } } }] };
    const w = judge(evidence({ declared: [declared({ aws: undefined })], live: { ...live, role: { ...live.role!, trust: wrongId } } }));
    expect(w.map((f) => [f.ruleId, f.live])).to.deep.equal([
      ["posture.trust-no-external-id", { externalIds: ["other"], statements: [null] }],
      ["posture.trust-other-principal", ["arn:aws:iam::444455556666:root"]],
    ]);
    expect(EXTERNAL_ID).to.not.equal("other");

    const doc = judge(evidence({ declared: [declared({ aws: undefined })], live: { ...live, role: { ...live.role!, policies: [{ name: "seed", policy: documentedRolePolicy() }] } } }));
    expect(doc.map((f) => f.ruleId)).to.deep.equal(["posture.documented-policy"]);
    const wild = { Statement: [{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" }] };
    const wf = judge(evidence({ declared: [declared({ aws: undefined })], live: { ...live, role: { ...live.role!, policies: [{ name: "extra", policy: wild }] } } }));
    expect(wf.map((f) => [f.ruleId, f.live, f.resource.cloudId])).to.deep.equal([["posture.policy-wildcard-resource", { resources: ["*"] }, `${declared().config.provider === "aws" ? (declared().config as { aws: { roleArn: string } }).aws.roleArn : ""}/policy/extra`]]);
  });

  it("posture falls back to the declared state when the customer-key view is off", () => {
    const d = declared();
    const noRotation = declared({ aws: { ...d.aws!, key: { ...d.aws!.key!, enableKeyRotation: false } } });
    const f = judge(evidence({ declared: [noRotation], live: undefined }));
    expect(f.map((x) => [x.ruleId, x.declared])).to.deep.equal([["posture.key-rotation-off", { rotationEnabled: false }]]);
  });

  it("posture (Azure): expiry within 30 days, no expiry, small RSA key, no rotation, purge protection, RBAC", () => {
    const az = evidence({
      declared: [
        {
          ...declared({ aws: undefined }),
          config: { provider: "azure", azure: { vaultUrl: "https://contoso-byok.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "k" } },
          azure: { vault: { urn: "urn:pulumi:prod::billing::azure-native:keyvault:Vault::v", enablePurgeProtection: false, enableSoftDelete: true, enableRbacAuthorization: false } },
        },
      ],
      live: { provider: "azure", key: { id: "https://contoso-byok.vault.azure.net/keys/k/abc", enabled: true, expiresOn: "2026-12-10T00:00:00.000Z", keyType: "RSA", keySize: 1024, keyOps: ["wrapKey"], rotates: false }, missing: [], notRead: [], requestIds: {} },
    });
    expect(azurePosture(az, az.declared[0]).map((f) => f.ruleId)).to.deep.equal(["posture.key-expiring", "posture.rsa-key-size", "posture.key-rotation-off", "posture.vault-purge-protection-off", "posture.vault-rbac-off"]);
    const later = { ...az, live: { ...az.live!, key: { ...(az.live as { key: object }).key, expiresOn: "2027-06-01T00:00:00.000Z" } } } as AccountEvidence;
    expect(azurePosture(later, later.declared[0]).map((f) => f.ruleId)).to.not.include("posture.key-expiring");
  });

  it("history: fallback time clipped to the window, still open, unreadable data, overdue activation", () => {
    const base = evidence();
    const ev = {
      ...base,
      platform: {
        ...base.platform,
        before: [event(3, "byok.fallback", "2026-10-30T12:00:00.000Z", { reason: "kms:GenerateDataKey: timeout" })],
        events: [event(4, "byok.recovered", "2026-10-31T13:00:00.000Z"), event(5, "byok.fallback", "2026-11-30T11:00:00.000Z", { reason: "disabled" }), event(6, "byok.data-unreadable", "2026-11-30T11:30:00.000Z", { dataKeys: 2, messages: 7 })],
      },
    };
    const intervals = fallbackIntervals({ ...ev, platform: { ...ev.platform, state: platformState({ status: "degraded" }, { fallback: { reason: "disabled", since: "2026-11-30T11:00:00.000Z" } }) } });
    expect(intervals).to.deep.equal([
      { from: SINCE, to: "2026-10-31T13:00:00.000Z", ms: 3_600_000, reason: "kms:GenerateDataKey: timeout", seqs: [4] },
      { from: "2026-11-30T11:00:00.000Z", to: null, ms: Date.parse(NOW) - Date.parse("2026-11-30T11:00:00.000Z"), reason: "disabled", seqs: [5] },
    ]);
    const f = judge(ev);
    expect(f.map((x) => x.ruleId)).to.deep.equal(["history.fallback", "history.data-unreadable"]);
    expect(f[1]!.platform).to.deep.equal({ dataKeys: 2, messages: 7 });
    const pending = judge(evidence({ platform: { ...base.platform, state: platformState({ status: "pending-activation", activationDate: "2026-11-01" }) }, declared: [declared({ activationDate: "2026-11-01" })] }));
    expect(pending.map((x) => x.ruleId)).to.deep.equal(["history.activation-overdue"]);
  });

  it("coverage: a read the credentials could not make is a finding, not a pass", () => {
    const f = judge(evidence({ live: awsLive({ notRead: [{ what: "kms:GetKeyPolicy", reason: "AccessDeniedException: not allowed" }] }) }));
    expect(f.map((x) => [x.ruleId, x.severity, x.evidence])).to.deep.equal([["coverage.not-read", "info", { what: "kms:GetKeyPolicy", reason: "AccessDeniedException: not allowed" }]]);
  });
});
