/**
 * Validation of ekm:aws:ByokKey arguments: every argument, exact messages.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { ByokKeyArgs } from "../../../components/aws/byokKey";
import { byokKeyArgsProblems, validateByokKeyArgs } from "../../../components/aws/validate";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const TRUST = { principalArn: "arn:aws:iam::999988887777:role/ekm-platform", externalId: "ekm-0123456789abcdef0123456789abcdef" };
const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const base: ByokKeyArgs = { accountId: ACCOUNT, trust: TRUST };

/** Arguments that are invalid on purpose, bypassing the types. */
const loose = (args: Record<string, unknown>) => args as unknown as ByokKeyArgs;

const rejected: { when: string; args: ByokKeyArgs; message: string }[] = [
  {
    when: "accountId is missing",
    args: loose({ trust: TRUST }),
    message: 'accountId is required: pass the platform account ID, e.g. "acct-3f9a1c2b7d4e5f60"; received undefined',
  },
  {
    when: "accountId is not a platform account ID",
    args: { ...base, accountId: "42" },
    message: 'accountId must be a platform account ID such as "acct-3f9a1c2b7d4e5f60" (POST /v1/accounts returns it); received "42"',
  },
  {
    when: "trust.principalArn is not an IAM role or root ARN",
    args: { ...base, trust: { ...TRUST, principalArn: "arn:aws:iam::999988887777:user/platform" } },
    message:
      'trust.principalArn must be the platform\'s IAM role or account-root ARN, e.g. arn:aws:iam::111122223333:role/ekm-platform-access: copy trust.aws.principalArn from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform; received "arn:aws:iam::999988887777:user/platform"',
  },
  {
    when: "trust.externalId is too short",
    args: { ...base, trust: { ...TRUST, externalId: "x" } },
    message:
      'trust.externalId must be 2-1224 letters, digits and +=,.@:/-: copy trust.aws.externalId from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform; received "x"',
  },
  {
    when: "trust.externalId has a space",
    args: { ...base, trust: { ...TRUST, externalId: "ekm 42" } },
    message:
      'trust.externalId must be 2-1224 letters, digits and +=,.@:/-: copy trust.aws.externalId from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform; received "ekm 42"',
  },
  {
    when: "keyArn is not an ARN",
    args: { ...base, keyArn: "1234abcd-12ab-34cd-56ef-1234567890ab" },
    message:
      'keyArn must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key UUID or mrk-id>, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; received "1234abcd-12ab-34cd-56ef-1234567890ab"',
  },
  {
    when: "keyArn is an alias ARN",
    args: { ...base, keyArn: "arn:aws:kms:us-east-1:111122223333:alias/ekm-byok" },
    message:
      'keyArn must be a key ARN, not an alias ARN: resolve the alias with kms:DescribeKey and pass its KeyMetadata.Arn, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; received "arn:aws:kms:us-east-1:111122223333:alias/ekm-byok"',
  },
  {
    when: "keyArn mixes a partition and another partition's region",
    args: { ...base, keyArn: "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    message:
      'keyArn region cn-north-1 belongs to partition aws-cn, not aws: copy the ARN from the KMS console or DescribeKey; received "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
  },
  {
    when: "keyArn is set together with key options",
    args: { ...base, keyArn: KEY_ARN, key: { alias: "alias/ekm-byok", rotationPeriodInDays: 180, tags: { team: "security" } } },
    message: `keyArn is set together with key.alias, key.rotationPeriodInDays and key.tags; received keyArn "${KEY_ARN}": key options only apply to a key this component creates, so remove key.alias, key.rotationPeriodInDays and key.tags to use the existing key, or remove keyArn to create one`,
  },
  {
    when: "key.alias lacks the alias/ prefix",
    args: { ...base, key: { alias: "ekm-byok" } },
    message: 'key.alias must be "alias/" followed by letters, digits, "/", "_" and "-" (256 characters at most), e.g. "alias/ekm-byok"; received "ekm-byok"',
  },
  {
    when: "key.alias has a space",
    args: { ...base, key: { alias: "alias/ekm byok" } },
    message: 'key.alias must be "alias/" followed by letters, digits, "/", "_" and "-" (256 characters at most), e.g. "alias/ekm-byok"; received "alias/ekm byok"',
  },
  {
    when: "key.alias is reserved for AWS managed keys",
    args: { ...base, key: { alias: "alias/aws/ekm" } },
    message: 'key.alias must not start with "alias/aws/", which AWS reserves for AWS managed keys: choose another name, e.g. "alias/ekm-byok"; received "alias/aws/ekm"',
  },
  {
    when: "key.description is longer than 8192 characters",
    args: { ...base, key: { description: "x".repeat(8193) } },
    message: `key.description must be 8192 characters at most, got 8193: shorten it; received "${"x".repeat(116)}…`,
  },
  ...[89, 2561, 90.5].map((days) => ({
    when: `key.rotationPeriodInDays is ${days}`,
    args: { ...base, key: { rotationPeriodInDays: days } },
    message: `key.rotationPeriodInDays must be an integer from 90 to 2560 (KMS rotation period; 90 matches the platform's own rotation); received ${days}`,
  })),
  ...[6, 31].map((days) => ({
    when: `key.deletionWindowInDays is ${days}`,
    args: { ...base, key: { deletionWindowInDays: days } },
    message: `key.deletionWindowInDays must be an integer from 7 to 30 (the KMS pending-deletion window); received ${days}`,
  })),
  {
    when: "key.multiRegion is not a boolean",
    args: loose({ ...base, key: { multiRegion: "yes" } }),
    message: 'key.multiRegion must be true or false; received "yes"',
  },
  {
    when: "role.name and role.namePrefix are both set",
    args: { ...base, role: { name: "ekm-platform", namePrefix: "ekm-" } },
    message: 'role.name and role.namePrefix are both set; received role.name "ekm-platform" and role.namePrefix "ekm-": set only one of them',
  },
  {
    when: "role.name has a slash",
    args: { ...base, role: { name: "ekm/platform" } },
    message: 'role.name must be 1-64 letters, digits and +=,.@_- (IAM role names have no "/": put a path in role.path); received "ekm/platform"',
  },
  {
    when: "role.name is longer than 64 characters",
    args: { ...base, role: { name: "r".repeat(65) } },
    message: `role.name must be 1-64 letters, digits and +=,.@_- (IAM role names have no "/": put a path in role.path); received "${"r".repeat(65)}"`,
  },
  {
    when: "role.namePrefix is longer than 38 characters",
    args: { ...base, role: { namePrefix: "p".repeat(39) } },
    message: `role.namePrefix must be 1-38 letters, digits and +=,.@_- (the provider appends 26 characters to reach the 64-character limit); received "${"p".repeat(39)}"`,
  },
  ...["ekm/", "/ekm", "/ekm platform/"].map((path) => ({
    when: `role.path is ${JSON.stringify(path)}`,
    args: { ...base, role: { path } },
    message: `role.path must start and end with "/" and contain printable ASCII only (512 characters at most), e.g. "/ekm/"; received ${JSON.stringify(path)}`,
  })),
  {
    when: "role.permissionsBoundary is not a managed policy ARN",
    args: { ...base, role: { permissionsBoundary: "arn:aws:iam::111122223333:role/boundary" } },
    message: 'role.permissionsBoundary must be an IAM managed policy ARN, e.g. arn:aws:iam::111122223333:policy/ekm-boundary; received "arn:aws:iam::111122223333:role/boundary"',
  },
  ...[900, 43201].map((seconds) => ({
    when: `role.maxSessionDuration is ${seconds}`,
    args: { ...base, role: { maxSessionDuration: seconds } },
    message: `role.maxSessionDuration must be an integer from 3600 to 43200 (seconds; the platform needs 1 hour); received ${seconds}`,
  })),
  {
    when: "policy is not a known mode",
    args: loose({ ...base, policy: "strict" }),
    message: 'policy must be "least-privilege" (the default) or "documented"; received "strict"',
  },
];

const accepted: { when: string; args: ByokKeyArgs }[] = [
  { when: "only accountId and trust are given", args: base },
  { when: "trust is omitted (read from the platform)", args: { accountId: ACCOUNT } },
  { when: "trust.principalArn is an account root", args: { ...base, trust: { ...TRUST, principalArn: "arn:aws:iam::999988887777:root" } } },
  { when: "keyArn is a multi-Region key in another partition", args: { ...base, keyArn: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab" } },
  { when: "the ranges' bounds are used", args: { ...base, key: { rotationPeriodInDays: 90, deletionWindowInDays: 7 }, role: { maxSessionDuration: 3600 } } },
  { when: "the ranges' other bounds are used", args: { ...base, key: { rotationPeriodInDays: 2560, deletionWindowInDays: 30 }, role: { maxSessionDuration: 43200 } } },
  {
    when: "every key and role option is set",
    args: {
      ...base,
      key: { alias: "alias/acme/ekm_byok-1", description: "Acme", multiRegion: true, tags: { a: "b" } },
      role: { name: "acme+ekm=platform,v1.0@x-y_z", path: "/ekm/platform/", permissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess", tags: { a: "b" } },
      policy: "documented",
    },
  },
  { when: "role.namePrefix has 38 characters", args: { ...base, role: { namePrefix: "p".repeat(38) } } },
  { when: "values are Outputs (checked when they resolve)", args: { accountId: pulumi.output("not-an-account"), trust: pulumi.output(TRUST), keyArn: pulumi.output("not-an-arn") } },
];

describe("aws.ByokKey validation", () => {
  for (const c of rejected) {
    it(`rejects the arguments when ${c.when}`, () => {
      expect(byokKeyArgsProblems(c.args).map((p) => p.message)).to.deep.equal([c.message]);
      expect(() => validateByokKeyArgs(c.args)).to.throw(pulumi.ResourceError).with.property("message", c.message);
    });
  }

  for (const c of accepted) {
    it(`accepts the arguments when ${c.when}`, () => {
      expect(byokKeyArgsProblems(c.args)).to.deep.equal([]);
    });
  }

  it("rejects the arguments with every problem at once, one per line, when several are invalid", () => {
    const args: ByokKeyArgs = { accountId: "42", trust: TRUST, key: { rotationPeriodInDays: 30, deletionWindowInDays: 60 } };
    const problems = byokKeyArgsProblems(args);
    expect(problems.map((p) => [p.argument, p.value])).to.deep.equal([
      ["accountId", "42"],
      ["key.rotationPeriodInDays", 30],
      ["key.deletionWindowInDays", 60],
    ]);
    expect(() => validateByokKeyArgs(args)).to.throw(pulumi.ResourceError).with.property("message", problems.map((p) => p.message).join("\n"));
  });

  it("rejects missing arguments when args is undefined", () => {
    expect(byokKeyArgsProblems(undefined).map((p) => p.message)).to.deep.equal(['args is required: pass { accountId: "acct-…" }; received undefined']);
  });
});
