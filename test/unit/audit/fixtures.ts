// Evidence builders for the audit's rule tests: a healthy AWS account (declared = platform =
// live, the least-privilege documents of components/aws/policies.ts) that each test breaks in one
// place. The documents come from the component's own builders, never restated here.
import type { AccountEvidence, AwsLiveView, DeclaredByok } from "../../../audit/model";
import { keyPolicy, leastPrivilegeRolePolicy, trustPolicy } from "../../../components/aws/policies";
import { EXAMPLES, type KeyManagementState } from "../../../sdk";

export const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
export const PRINCIPAL = "arn:aws:iam::999988887777:role/ekm-platform";
export const EXTERNAL_ID = "ext-0123456789abcdef";
export const NOW = "2026-11-30T12:00:00.000Z";
export const SINCE = "2026-10-31T12:00:00.000Z";
const ref = { keyArn: EXAMPLES.kmsKeyArn, roleArn: EXAMPLES.roleArn };

/** A declared configuration with the ByokKey component's children. */
export function declared(over: Partial<DeclaredByok> = {}): DeclaredByok {
  return {
    stack: "prod",
    urn: "urn:pulumi:prod::billing::pulumi-nodejs:dynamic/ekm:ByokConfiguration::byok",
    accountId: ACCOUNT,
    config: { provider: "aws", aws: ref },
    nickname: "Production key",
    activationDate: "2026-01-01",
    aws: {
      key: { urn: "urn:pulumi:prod::billing::ekm:aws:ByokKey$aws:kms/key:Key::customer-key", enableKeyRotation: true, rotationPeriodInDays: 90, deletionWindowInDays: 30, isEnabled: true, policy: keyPolicy("least-privilege", ref.roleArn, ACCOUNT) },
      role: { urn: "urn:pulumi:prod::billing::ekm:aws:ByokKey$aws:iam/role:Role::customer-role", name: "ekm-platform-access", trust: trustPolicy({ principalArn: PRINCIPAL, externalId: EXTERNAL_ID }) },
      rolePolicies: [{ urn: "urn:pulumi:prod::billing::ekm:aws:ByokKey$aws:iam/rolePolicy:RolePolicy::customer-policy", name: "ekm-byok-key-access", policy: leastPrivilegeRolePolicy(ref.keyArn, ACCOUNT) }],
    },
    ...over,
  };
}

/** The platform's state for the declared configuration, active. */
export function platformState(over: Partial<NonNullable<KeyManagementState["byok"]>> = {}, top: Partial<KeyManagementState> = {}): KeyManagementState {
  return {
    accountId: ACCOUNT,
    mode: "byok",
    effectiveKeySource: "byok",
    fallback: null,
    platformKey: { version: "v1", createdAt: "2026-10-01T00:00:00.000Z", nextRotationAt: "2026-12-30T00:00:00.000Z", rotationPeriodDays: 90 },
    byok: {
      provider: "aws",
      aws: ref,
      nickname: "Production key",
      activationDate: "2026-01-01",
      status: "active",
      validation: { phase: "registration", checkedAt: "2026-11-01T00:00:00.000Z", ok: true, checks: [] },
      etag: '"e1"',
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-01T00:00:00.000Z",
      ...over,
    } as KeyManagementState["byok"],
    ...top,
  };
}

/** The live AWS view of a healthy key and role. */
export function awsLive(over: Partial<AwsLiveView> = {}): AwsLiveView {
  const d = declared();
  return {
    provider: "aws",
    key: { arn: ref.keyArn, keyState: "Enabled", enabled: true, rotationEnabled: true, rotationPeriodDays: 90, policy: d.aws!.key!.policy },
    role: { arn: ref.roleArn, name: "ekm-platform-access", trust: d.aws!.role!.trust!, policies: [{ name: "ekm-byok-key-access", policy: d.aws!.rolePolicies[0]!.policy! }] },
    missing: [],
    notRead: [],
    requestIds: { "kms:DescribeKey": "req-1" },
    ...over,
  };
}

/** Evidence of one healthy account; `over` replaces parts. */
export function evidence(over: Partial<AccountEvidence> = {}): AccountEvidence {
  return {
    accountId: ACCOUNT,
    declared: [declared()],
    platform: { state: platformState(), trust: { accountId: ACCOUNT, aws: { principalArn: PRINCIPAL, externalId: EXTERNAL_ID }, azure: null }, events: [], before: [] },
    live: awsLive(),
    since: SINCE,
    now: NOW,
    ...over,
  };
}
