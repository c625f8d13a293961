import { expect } from "chai";
import { checkKeyUsePolicy } from "../../../../platform/customer-keys/aws";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE = "arn:aws:iam::111122223333:role/ekm";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const use = (condition?: unknown, resource: string = KEY, action: unknown = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]) => ({
  Effect: "Allow",
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

describe("checkKeyUsePolicy", () => {
  const cases: [string, string[], boolean, string][] = [
    ["the least-privilege policy", [doc(use({ StringEquals: { "kms:EncryptionContext:tenant_id": "acct-42" } }))], true, "the role policy allows kms:GenerateDataKey with kms:EncryptionContext:tenant_id = acct-42"],
    [
      "the seed's policy comparing tenant_id with the Region",
      [doc(use({ StringEquals: { "kms:EncryptionContext:tenant_id": "us-east-1" } }, "arn:aws:kms:*:*:key/*"))],
      false,
      `kms:GenerateDataKey would be denied for ${ROLE}: its policy requires kms:EncryptionContext:tenant_id = us-east-1, but the platform sends tenant_id = acct-42; set the condition to StringEquals kms:EncryptionContext:tenant_id = acct-42`,
    ],
    ["a StringLike wildcard that matches", [doc(use({ StringLike: { "kms:EncryptionContext:tenant_id": "acct-*" } }))], true, "the role policy allows kms:GenerateDataKey with kms:EncryptionContext:tenant_id = acct-42"],
    ["no condition at all", [doc(use(undefined, "*", "kms:*"))], true, "the role policy allows kms:GenerateDataKey on the key (without a tenant_id condition: add StringEquals kms:EncryptionContext:tenant_id = acct-42 to isolate this account)"],
    ["another key only", [doc(use(undefined, KEY.replace("1234abcd", "99999999")))], false, `kms:GenerateDataKey would be denied: no policy of ${ROLE} allows kms:GenerateDataKey on ${KEY} — add it with the condition StringEquals kms:EncryptionContext:tenant_id = acct-42`],
    ["DescribeKey only", [doc(use(undefined, KEY, "kms:DescribeKey"))], false, `kms:GenerateDataKey would be denied: no policy of ${ROLE} allows kms:GenerateDataKey on ${KEY} — add it with the condition StringEquals kms:EncryptionContext:tenant_id = acct-42`],
    ["a URL-encoded attached policy", [encodeURIComponent(doc(use({ StringEquals: { "kms:EncryptionContext:tenant_id": ["acct-1", "acct-42"] } })))], true, "the role policy allows kms:GenerateDataKey with kms:EncryptionContext:tenant_id = acct-42"],
  ];
  for (const [what, docs, ok, message] of cases) {
    it(`${ok ? "accepts" : "rejects"} ${what}`, () => {
      expect(checkKeyUsePolicy(docs, { action: "kms:GenerateDataKey", keyArn: KEY, accountId: "acct-42", roleArn: ROLE })).to.deep.equal({ ok, message });
    });
  }
});
