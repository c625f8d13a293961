/**
 * The policy pack's rules, one by one, through the policies' own `validateResource` with the
 * arguments `@pulumi/policy` builds (type, props behind its unknown-checking proxy, getConfig):
 * each rule's exact message on a violating input, silence on a compliant one and on unknowns,
 * and the thresholds of the policy config.
 */
import { expect } from "chai";
import { unknownCheckingProxy, type ResourceValidationArgs, type ResourceValidationPolicy } from "@pulumi/policy";
import { BYOK_CONFIGURATION_TYPE } from "../../../dynamic-providers/token";
import { UNKNOWN as ENGINE_UNKNOWN } from "../../../dynamic-providers/types";
import { RULES, type PostureRule } from "../../../sdk/contract/posture";
import { EXAMPLES, quote } from "../../../sdk/schemas/formats";
import { DEFAULT_THRESHOLDS, RESOURCE_TYPES as T, ekmPolicies } from "../../../policy";
import { documentedRolePolicy, keyPolicy, leastPrivilegeRolePolicy, trustPolicy } from "../../../components/aws/policies";

const AWS = "ekm:aws:ByokKey";
const AZURE = "ekm:azure:ByokKey";
const DAY = 24 * 60 * 60 * 1000;

/** Runs the policy of `rule` on one resource, as the analyzer does; returns the reported messages. */
function violations(rule: PostureRule, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}, now = new Date()): string[] {
  const policy = ekmPolicies({ now: () => now }).find((p) => p.name === rule.id) as ResourceValidationPolicy;
  expect(policy, rule.id).to.not.equal(undefined);
  const messages: string[] = [];
  const args = {
    type,
    props: unknownCheckingProxy(props),
    urn: `urn:pulumi:dev::p::${type}::r`,
    name: "r",
    opts: {},
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => config,
    notApplicable: () => {
      throw new Error("notApplicable");
    },
  } as unknown as ResourceValidationArgs;
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const v of validations) void v?.(args, (message) => messages.push(message));
  return messages;
}

/** The message a violation carries for `problem`. */
const msg = (problem: string, rule: PostureRule) => `${problem}. ${rule.title} [${rule.id}]`;

const TRUST = { principalArn: "arn:aws:iam::444455556666:role/ekm-platform", externalId: "ekm-acct-3f9a1c2b7d4e5f60" };
const ACCOUNT = "acct-3f9a1c2b7d4e5f60";

describe("policy pack: the rules", () => {
  it("names each policy by its catalog rule id, mandatory from severity high up", () => {
    const policies = ekmPolicies();
    expect(policies.map((p) => [p.name, p.enforcementLevel, p.severity])).to.deep.equal([
      [RULES.rotationOff.id, "mandatory", "high"],
      [RULES.rotationPeriodTooLong.id, "advisory", "medium"],
      [RULES.keyNoExpiry.id, "advisory", "low"],
      [RULES.rsaKeyTooSmall.id, "mandatory", "high"],
      [RULES.deletionWindowShort.id, "advisory", "low"],
      [RULES.purgeProtectionOff.id, "mandatory", "high"],
      [RULES.vaultRbacOff.id, "advisory", "medium"],
      [RULES.trustWithoutExternalId.id, "mandatory", "critical"],
      [RULES.wildcardResource.id, "mandatory", "high"],
      [RULES.documentedPolicy.id, "mandatory", "high"],
      [RULES.activationDateSanity.id, "advisory", "low"],
    ]);
    expect(policies.find((p) => p.name === RULES.rotationPeriodTooLong.id)?.configSchema?.properties.maxRotationPeriodDays).to.include({ type: "integer", default: 365 });
  });

  describe(RULES.rotationOff.id, () => {
    const r = RULES.rotationOff;
    it("refuses a symmetric KMS key without rotation, and accepts one with it or an asymmetric key", () => {
      expect(violations(r, T.kmsKey, {})).to.deep.equal([msg("enableKeyRotation is null (the default): set enableKeyRotation: true so KMS rotates the key material", r)]);
      expect(violations(r, T.kmsKey, { enableKeyRotation: false })).to.deep.equal([msg("enableKeyRotation is false: set enableKeyRotation: true so KMS rotates the key material", r)]);
      expect(violations(r, T.kmsKey, { enableKeyRotation: true })).to.deep.equal([]);
      expect(violations(r, T.kmsKey, { customerMasterKeySpec: "RSA_3072" })).to.deep.equal([]);
      expect(violations(r, T.kmsKey, { enableKeyRotation: ENGINE_UNKNOWN })).to.deep.equal([]);
    });
    it("refuses a Key Vault key without a rotate action", () => {
      const problem = 'properties.rotationPolicy has no "rotate" lifetime action: add properties.rotationPolicy.lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }] (the ByokKey component\'s default)';
      expect(violations(r, T.keyVaultKey, { properties: { kty: "RSA" } })).to.deep.equal([msg(problem, r)]);
      expect(violations(r, T.keyVaultKey, { properties: { rotationPolicy: { lifetimeActions: [{ action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } }] } } })).to.deep.equal([msg(problem, r)]);
      expect(violations(r, T.keyVaultKey, { properties: { rotationPolicy: { lifetimeActions: [{ action: { type: "Rotate" }, trigger: { timeAfterCreate: "P90D" } }] } } })).to.deep.equal([]);
    });
    it("does not judge other types", () => {
      expect(violations(r, T.keyVault, { enableKeyRotation: false })).to.deep.equal([]);
    });
  });

  describe(RULES.rotationPeriodTooLong.id, () => {
    const r = RULES.rotationPeriodTooLong;
    it("judges the AWS component's key.rotationPeriodInDays (default 90) against maxRotationPeriodDays", () => {
      expect(violations(r, AWS, { accountId: ACCOUNT, key: { rotationPeriodInDays: 400 } })).to.deep.equal([
        msg("key.rotationPeriodInDays is 400, above the maximum of 365 days (maxRotationPeriodDays): set key.rotationPeriodInDays to 365 or less", r),
      ]);
      expect(violations(r, AWS, { accountId: ACCOUNT })).to.deep.equal([]);
      expect(violations(r, AWS, { accountId: ACCOUNT, key: { rotationPeriodInDays: 120 } }, { maxRotationPeriodDays: 100 })).to.deep.equal([
        msg("key.rotationPeriodInDays is 120, above the maximum of 100 days (maxRotationPeriodDays): set key.rotationPeriodInDays to 100 or less", r),
      ]);
      // An existing key is not configured by the component: the audit judges it live.
      expect(violations(r, AWS, { accountId: ACCOUNT, keyArn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }, { maxRotationPeriodDays: 30 })).to.deep.equal([]);
    });
    it("judges a raw KMS key's period, 365 when omitted", () => {
      expect(violations(r, T.kmsKey, { enableKeyRotation: true, rotationPeriodInDays: 730 })).to.deep.equal([
        msg("rotationPeriodInDays is 730, above the maximum of 365 days (maxRotationPeriodDays): set rotationPeriodInDays to 365 or less", r),
      ]);
      expect(violations(r, T.kmsKey, { enableKeyRotation: true }, { maxRotationPeriodDays: 180 })).to.deep.equal([
        msg("rotationPeriodInDays is 365 (the KMS default), above the maximum of 180 days (maxRotationPeriodDays): set rotationPeriodInDays to 180 or less", r),
      ]);
      expect(violations(r, T.kmsKey, { enableKeyRotation: true })).to.deep.equal([]);
    });
    it("judges the Azure component's key.rotateAfter and a raw key's rotate trigger", () => {
      expect(violations(r, AZURE, { key: { rotateAfter: "P2Y" } })).to.deep.equal([
        msg('key.rotateAfter is "P2Y" (730 days), above the maximum of 365 days (maxRotationPeriodDays): set key.rotateAfter to "P365D" or less', r),
      ]);
      expect(violations(r, AZURE, {})).to.deep.equal([]);
      const rotate = (trigger: Record<string, string>, expiryTime?: string) => ({
        properties: { rotationPolicy: { lifetimeActions: [{ action: { type: "rotate" }, trigger }], attributes: expiryTime ? { expiryTime } : {} } },
      });
      expect(violations(r, T.keyVaultKey, rotate({ timeAfterCreate: "P18M" }))).to.deep.equal([
        msg('properties.rotationPolicy rotates every 540 days (trigger {"timeAfterCreate":"P18M"}), above the maximum of 365 days (maxRotationPeriodDays): set trigger.timeAfterCreate to "P365D" or less', r),
      ]);
      expect(violations(r, T.keyVaultKey, rotate({ timeBeforeExpiry: "P30D" }, "P2Y"))).to.have.length(1);
      expect(violations(r, T.keyVaultKey, rotate({ timeBeforeExpiry: "P30D" }, "P1Y"))).to.deep.equal([]);
    });
  });

  describe(RULES.keyNoExpiry.id, () => {
    const r = RULES.keyNoExpiry;
    it("refuses a Key Vault key whose versions never expire", () => {
      expect(violations(r, T.keyVaultKey, { properties: { kty: "RSA" } })).to.deep.equal([
        msg('properties.rotationPolicy.attributes.expiryTime is not set, so key versions never expire: set it, e.g. "P1Y" (the ByokKey component\'s default)', r),
      ]);
      expect(violations(r, T.keyVaultKey, { properties: { rotationPolicy: { attributes: { expiryTime: "P1Y" } } } })).to.deep.equal([]);
      expect(violations(r, T.keyVaultKey, { properties: { attributes: { expires: 1893456000 } } })).to.deep.equal([]);
    });
  });

  describe(RULES.rsaKeyTooSmall.id, () => {
    const r = RULES.rsaKeyTooSmall;
    it("judges the Azure component's key.size (default 3072) against minRsaKeySize", () => {
      expect(violations(r, AZURE, { key: { size: 2048 } }, { minRsaKeySize: 3072 })).to.deep.equal([
        msg("key.size is 2048, below the minimum of 3072 bits (minRsaKeySize): set key.size to 3072 or more (the component's default is 3072)", r),
      ]);
      expect(violations(r, AZURE, { key: { size: 2048 } })).to.deep.equal([], `the default minimum is ${DEFAULT_THRESHOLDS.minRsaKeySize}`);
      expect(violations(r, AZURE, {}, { minRsaKeySize: 4096 })).to.have.length(1);
    });
    it("judges a raw RSA key's size, 2048 when omitted", () => {
      expect(violations(r, T.keyVaultKey, { properties: { kty: "RSA-HSM" } }, { minRsaKeySize: 3072 })).to.deep.equal([
        msg("properties.keySize is 2048 (the Key Vault default), below the minimum of 3072 bits (minRsaKeySize): set properties.keySize to 3072 or more", r),
      ]);
      expect(violations(r, T.keyVaultKey, { properties: { kty: "RSA", keySize: 3072 } }, { minRsaKeySize: 3072 })).to.deep.equal([]);
      expect(violations(r, T.keyVaultKey, { properties: { kty: "EC" } }, { minRsaKeySize: 4096 })).to.deep.equal([]);
    });
  });

  describe(RULES.deletionWindowShort.id, () => {
    const r = RULES.deletionWindowShort;
    it("judges the AWS component's key.deletionWindowInDays (default 30) and a raw key's window (default 30)", () => {
      expect(violations(r, AWS, { accountId: ACCOUNT, key: { deletionWindowInDays: 7 } })).to.deep.equal([
        msg("key.deletionWindowInDays is 7, below the minimum of 30 days (minDeletionWindowDays): set key.deletionWindowInDays to 30 or more", r),
      ]);
      expect(violations(r, AWS, { accountId: ACCOUNT })).to.deep.equal([]);
      expect(violations(r, AWS, { accountId: ACCOUNT, key: { deletionWindowInDays: 14 } }, { minDeletionWindowDays: 14 })).to.deep.equal([]);
      expect(violations(r, T.kmsKey, { deletionWindowInDays: 10 })).to.deep.equal([
        msg("deletionWindowInDays is 10, below the minimum of 30 days (minDeletionWindowDays): set deletionWindowInDays to 30 or more", r),
      ]);
      expect(violations(r, T.kmsKey, {})).to.deep.equal([]);
    });
  });

  describe(RULES.purgeProtectionOff.id, () => {
    const r = RULES.purgeProtectionOff;
    it("refuses a vault without purge protection or with soft delete off", () => {
      expect(violations(r, T.keyVault, { properties: { enableSoftDelete: false } })).to.deep.equal([
        msg("properties.enablePurgeProtection is null (off by default): set properties.enablePurgeProtection: true (it cannot be turned off again)", r),
        msg("properties.enableSoftDelete is false: remove it or set properties.enableSoftDelete: true", r),
      ]);
      expect(violations(r, T.keyVault, { properties: { enablePurgeProtection: true } })).to.deep.equal([]);
      expect(violations(r, T.keyVault, { properties: { enablePurgeProtection: ENGINE_UNKNOWN } })).to.deep.equal([]);
    });
  });

  describe(RULES.vaultRbacOff.id, () => {
    const r = RULES.vaultRbacOff;
    it("refuses a vault on access policies", () => {
      expect(violations(r, T.keyVault, { properties: { enableRbacAuthorization: false } })).to.deep.equal([
        msg("properties.enableRbacAuthorization is false: set properties.enableRbacAuthorization: true and grant the platform a role at the key's scope", r),
      ]);
      expect(violations(r, T.keyVault, { properties: {} })).to.have.length(1);
      expect(violations(r, T.keyVault, { properties: { enableRbacAuthorization: true } })).to.deep.equal([]);
    });
  });

  describe(RULES.trustWithoutExternalId.id, () => {
    const r = RULES.trustWithoutExternalId;
    it("refuses a role an AWS principal assumes without sts:ExternalId, and accepts the component's trust policy", () => {
      const open = { Version: "2012-10-17", Statement: [{ Sid: "Platform", Effect: "Allow", Principal: { AWS: TRUST.principalArn }, Action: "sts:AssumeRole" }] };
      expect(violations(r, T.iamRole, { assumeRolePolicy: JSON.stringify(open) })).to.deep.equal([
        msg(
          'assumeRolePolicy Statement[0] (Sid "Platform") lets "arn:aws:iam::444455556666:role/ekm-platform" assume the role without a sts:ExternalId condition: add Condition: { StringEquals: { "sts:ExternalId": <externalId from GET /v1/accounts/{accountId}/key-management/trust> } } (the ByokKey component\'s trust policy does)',
          r,
        ),
      ]);
      expect(violations(r, T.iamRole, { assumeRolePolicy: JSON.stringify(trustPolicy(TRUST)) })).to.deep.equal([]);
      const service = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
      expect(violations(r, T.iamRole, { assumeRolePolicy: service })).to.deep.equal([]);
      expect(violations(r, T.iamRole, { assumeRolePolicy: ENGINE_UNKNOWN })).to.deep.equal([]);
    });
    it("refuses the AWS component's trust with an empty external ID", () => {
      expect(violations(r, AWS, { accountId: ACCOUNT, trust: { principalArn: TRUST.principalArn, externalId: "" } })).to.deep.equal([
        msg('trust.externalId is "": pass the externalId from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform', r),
      ]);
      expect(violations(r, AWS, { accountId: ACCOUNT, trust: TRUST })).to.deep.equal([]);
      expect(violations(r, AWS, { accountId: ACCOUNT })).to.deep.equal([]);
    });
  });

  describe(RULES.wildcardResource.id, () => {
    const r = RULES.wildcardResource;
    it("refuses KMS actions on every key, and accepts the least-privilege policy", () => {
      const wide = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" }] };
      expect(violations(r, T.iamRolePolicy, { policy: JSON.stringify(wide) })).to.deep.equal([
        msg('policy Statement[0] allows KMS actions on Resource "*": name the BYOK key\'s ARN instead (the ByokKey component\'s "least-privilege" policy does)', r),
      ]);
      const arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      expect(violations(r, T.iamPolicy, { policy: JSON.stringify(leastPrivilegeRolePolicy(arn, ACCOUNT)) })).to.deep.equal([]);
      // The documented statement is the documented-policy rule's to judge.
      expect(violations(r, T.iamRolePolicy, { policy: JSON.stringify(documentedRolePolicy()) })).to.deep.equal([]);
    });
  });

  describe(RULES.documentedPolicy.id, () => {
    const r = RULES.documentedPolicy;
    it('refuses the AWS component\'s policy: "documented" unless allowDocumentedPolicy', () => {
      expect(violations(r, AWS, { accountId: ACCOUNT, policy: "documented" })).to.deep.equal([
        msg(
          'policy is "documented", the product documentation\'s IAM policy, which denies kms:DescribeKey and isolates no tenant: remove policy (the default is "least-privilege"), or set allowDocumentedPolicy: true in the policy config to accept it',
          r,
        ),
      ]);
      expect(violations(r, AWS, { accountId: ACCOUNT, policy: "documented" }, { allowDocumentedPolicy: true })).to.deep.equal([]);
      expect(violations(r, AWS, { accountId: ACCOUNT })).to.deep.equal([]);
    });
    it("finds the documented statement in a raw role policy and key policy", () => {
      const problem =
        'policy Statement[0] is the product documentation\'s statement (kms:EncryptionContext:tenant_id compared with ${aws:RequestedRegion}), which isolates no tenant: scope it to the key ARN with kms:EncryptionContext:tenant_id = <platform account id> (the ByokKey component\'s "least-privilege" policy), or set allowDocumentedPolicy: true in the policy config';
      expect(violations(r, T.iamRolePolicy, { policy: JSON.stringify(documentedRolePolicy()) })).to.deep.equal([msg(problem, r)]);
      const key = keyPolicy("documented", "arn:aws:iam::111122223333:role/ekm", ACCOUNT);
      expect(violations(r, T.kmsKey, { policy: JSON.stringify(key) })).to.have.length(1);
      expect(violations(r, T.kmsKey, { policy: JSON.stringify(keyPolicy("least-privilege", "arn:aws:iam::111122223333:role/ekm", ACCOUNT)) })).to.deep.equal([]);
      expect(violations(r, T.iamRolePolicy, { policy: JSON.stringify(documentedRolePolicy()) }, { allowDocumentedPolicy: true })).to.deep.equal([]);
    });
  });

  describe(RULES.activationDateSanity.id, () => {
    const r = RULES.activationDateSanity;
    const now = new Date();
    const daysAgo = (n: number) => new Date(now.getTime() - n * DAY).toISOString().slice(0, 10);
    it("refuses a date more than maxActivationPastDays back, and accepts recent and future dates", () => {
      const old = daysAgo(400);
      const [message] = violations(r, BYOK_CONFIGURATION_TYPE, { activationDate: old }, {}, now);
      expect(message).to.match(new RegExp(`^activationDate is "${old}", (400|401) days in the past \\(more than maxActivationPastDays, 365\\): check the year`));
      expect(message).to.match(/\[posture\.activation-date\]$/);
      expect(violations(r, BYOK_CONFIGURATION_TYPE, { activationDate: daysAgo(30) }, {}, now)).to.deep.equal([]);
      expect(violations(r, BYOK_CONFIGURATION_TYPE, { activationDate: daysAgo(-30) }, {}, now)).to.deep.equal([]);
      expect(violations(r, BYOK_CONFIGURATION_TYPE, { activationDate: daysAgo(30) }, { maxActivationPastDays: 7 }, now)).to.have.length(1);
      expect(violations(r, BYOK_CONFIGURATION_TYPE, { activationDate: ENGINE_UNKNOWN }, {}, now)).to.deep.equal([]);
    });
    it("refuses a date that is not ISO-8601", () => {
      expect(violations(r, BYOK_CONFIGURATION_TYPE, { activationDate: "2026-02-30" }, {}, now)).to.deep.equal([
        msg(`activationDate must be an ISO-8601 date or date-time with a zone, e.g. "2026-12-01" or ${quote(EXAMPLES.activationDate)}; 2026-02-30 is not a calendar day; received "2026-02-30"`, r),
      ]);
    });
  });
});
