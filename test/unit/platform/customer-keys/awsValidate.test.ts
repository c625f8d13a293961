// The pure checks of the AWS validation chain: DescribeKey metadata and the local-platform trust-policy inspection.
import { expect } from "chai";
import type { KeyMetadata } from "@aws-sdk/client-kms";
import { checkTrustPolicy, keyMetadataProblems, type TrustExpectation } from "../../../../platform/customer-keys/aws/validate";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE = "arn:aws:iam::111122223333:role/ekm-platform-access";
const PLATFORM = "arn:aws:iam::999988887777:role/ekm-platform";

const usable: KeyMetadata = {
  KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
  Arn: KEY,
  Enabled: true,
  KeyState: "Enabled",
  KeySpec: "SYMMETRIC_DEFAULT",
  CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
  KeyUsage: "ENCRYPT_DECRYPT",
};

describe("keyMetadataProblems", () => {
  const cases: { when: string; meta: KeyMetadata; problems: string[] }[] = [
    { when: "the key is Enabled, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT in the ARN's region", meta: usable, problems: [] },
    {
      when: "the key is disabled",
      meta: { ...usable, Enabled: false, KeyState: "Disabled" },
      problems: [`key ${KEY} is disabled — enable it (kms:EnableKey)`],
    },
    {
      when: "the key is pending deletion",
      meta: { ...usable, Enabled: false, KeyState: "PendingDeletion", DeletionDate: new Date("2026-12-06T00:00:00Z") },
      problems: [
        `key ${KEY} is pending deletion (deletion on 2026-12-06T00:00:00.000Z) — cancel the deletion (kms:CancelKeyDeletion), then enable the key (kms:EnableKey)`,
      ],
    },
    {
      when: "the key waits for imported key material",
      meta: { ...usable, Enabled: false, KeyState: "PendingImport" },
      problems: [`key ${KEY} is in state PendingImport, not Enabled — the platform can use it only once it is Enabled`],
    },
    {
      when: "the key is asymmetric and for signing",
      meta: { ...usable, KeySpec: "RSA_2048", CustomerMasterKeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" },
      problems: [
        `key ${KEY} has key spec RSA_2048 — the platform needs a SYMMETRIC_DEFAULT (AES-256) encryption key`,
        `key ${KEY} has key usage SIGN_VERIFY — the platform needs KeyUsage ENCRYPT_DECRYPT`,
      ],
    },
    {
      when: "only the deprecated CustomerMasterKeySpec is present and it is an HMAC key",
      meta: { ...usable, KeySpec: undefined, CustomerMasterKeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" },
      problems: [
        `key ${KEY} has key spec HMAC_256 — the platform needs a SYMMETRIC_DEFAULT (AES-256) encryption key`,
        `key ${KEY} has key usage GENERATE_VERIFY_MAC — the platform needs KeyUsage ENCRYPT_DECRYPT`,
      ],
    },
    {
      when: "DescribeKey answers with the key of another region",
      meta: { ...usable, Arn: KEY.replace("us-east-1", "eu-west-1") },
      problems: [
        `wrong region: DescribeKey returned ${KEY.replace("us-east-1", "eu-west-1")} in eu-west-1, but the registered key ARN is in us-east-1 — ` +
          "register the ARN of the key in the region that holds it",
      ],
    },
  ];
  for (const c of cases) {
    it(`reports ${c.problems.length === 0 ? "nothing" : c.problems.length + " problem(s)"} when ${c.when}`, () => {
      expect(keyMetadataProblems(c.meta, KEY)).to.deep.equal(c.problems);
    });
  }
});

describe("checkTrustPolicy", () => {
  const expectation: TrustExpectation = { roleArn: ROLE, accountId: "acct-42", externalId: "ext-42" };
  const statement = (extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Principal: { AWS: PLATFORM },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "sts:ExternalId": "ext-42" } },
    ...extra,
  });
  const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

  const cases: { when: string; document: string; expect?: Partial<TrustExpectation>; ok: boolean; message: string }[] = [
    {
      when: "a statement allows sts:AssumeRole with the account's external ID",
      document: doc(statement()),
      ok: true,
      message: "trust policy allows sts:AssumeRole with sts:ExternalId = ext-42",
    },
    {
      when: "the document is URL-encoded, as iam:GetRole returns it",
      document: encodeURIComponent(doc(statement({ Action: ["sts:AssumeRole", "sts:TagSession"] }))),
      ok: true,
      message: "trust policy allows sts:AssumeRole with sts:ExternalId = ext-42",
    },
    {
      when: "the condition key is spelled in another case and the statement is not in an array",
      document: JSON.stringify({ Version: "2012-10-17", Statement: statement({ Condition: { StringEquals: { "STS:externalid": ["ext-1", "ext-42"] } } }) }),
      ok: true,
      message: "trust policy allows sts:AssumeRole with sts:ExternalId = ext-42",
    },
    {
      when: "the role trusts another external ID",
      document: doc(statement({ Condition: { StringEquals: { "sts:ExternalId": "ext-7" } } })),
      ok: false,
      message: "external ID mismatch: the role trusts sts:ExternalId=ext-7, the platform uses ext-42 for acct-42; set the condition to ext-42",
    },
    {
      when: "the role trusts without an external ID condition",
      document: doc(statement({ Condition: undefined })),
      ok: false,
      message:
        `the trust policy of ${ROLE} allows sts:AssumeRole without an sts:ExternalId condition — add StringEquals sts:ExternalId = ext-42 ` +
        "(it stops other platform accounts from using this role: the confused-deputy problem)",
    },
    {
      when: "no statement allows sts:AssumeRole",
      document: doc(statement({ Effect: "Deny" }), statement({ Action: "sts:AssumeRoleWithWebIdentity" })),
      ok: false,
      message:
        `the trust policy of ${ROLE} has no statement that allows sts:AssumeRole — add one for the platform principal ` +
        "(GET /v1/accounts/acct-42/key-management/trust) with condition StringEquals sts:ExternalId = ext-42",
    },
    {
      when: "the platform principal is known and the role trusts someone else",
      document: doc(statement({ Principal: { AWS: "arn:aws:iam::444455556666:root" } })),
      expect: { platformPrincipalArn: PLATFORM },
      ok: false,
      message:
        `the trust policy of ${ROLE} does not trust the platform principal ${PLATFORM} (it trusts arn:aws:iam::444455556666:root) — ` +
        `set Principal.AWS to ${PLATFORM} with condition StringEquals sts:ExternalId = ext-42`,
    },
    {
      when: "the platform principal is trusted through its account root",
      document: doc(statement({ Principal: { AWS: ["arn:aws:iam::999988887777:root"] } })),
      expect: { platformPrincipalArn: PLATFORM },
      ok: true,
      message: "trust policy allows sts:AssumeRole with sts:ExternalId = ext-42",
    },
    {
      when: "the document is not JSON",
      document: "%7Bnot json",
      ok: false,
      message: `the trust policy of ${ROLE} is not valid JSON — rewrite it as an IAM policy document`,
    },
  ];
  for (const c of cases) {
    it(`${c.ok ? "accepts" : "rejects"} the trust policy when ${c.when}`, () => {
      expect(checkTrustPolicy(c.document, { ...expectation, ...c.expect })).to.deep.equal({ ok: c.ok, message: c.message });
    });
  }
});
