// diffByok, case by case: what replaces, what updates in place, what is no change at all.
import { expect } from "chai";
import { diffByok, sameKey } from "../../../dynamic-providers/diff";
import { UNKNOWN } from "../../../dynamic-providers/types";

const KEY_A = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_B = "arn:aws:kms:us-east-1:111122223333:key/2234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE_A = "arn:aws:iam::111122223333:role/ekm-platform-access";
const ROLE_B = "arn:aws:iam::111122223333:role/ekm-platform-access-2";
const AWS = { provider: "aws", aws: { keyArn: KEY_A, roleArn: ROLE_A } };
const AZURE = { provider: "azure", azure: { vaultUrl: "https://contoso-byok.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "ekm" } };

/** Old outputs, as the state holds them. */
const OLDS = {
  __provider: "exports.handler = …",
  accountId: "acct-aaaa1111",
  config: AWS,
  nickname: "prod key",
  activationDate: "2026-01-01",
  adoptExisting: false,
  status: "active",
  effectiveKeySource: "byok",
  etag: '"abc"',
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  platformKeyVersion: "pk-1",
};
/** The same, as new inputs. */
const NEWS = { __provider: OLDS.__provider, accountId: OLDS.accountId, config: AWS, nickname: OLDS.nickname, activationDate: OLDS.activationDate, adoptExisting: false };

const NONE = { changes: false, replaces: [], deleteBeforeReplace: false };
const UPDATE = { changes: true, replaces: [], deleteBeforeReplace: false };

describe("diffByok", () => {
  const cases: { name: string; olds?: Record<string, unknown>; news: Record<string, unknown>; expected: unknown }[] = [
    { name: "reports no change when nothing changed", news: NEWS, expected: NONE },
    { name: "reports no change when only adoptExisting changed", news: { ...NEWS, adoptExisting: true }, expected: NONE },
    { name: "reports no change when only the serialized provider changed", news: { ...NEWS, __provider: "exports.handler = other" }, expected: NONE },
    {
      name: "reports no change when the key differs only in member order or an absent optional",
      olds: { ...OLDS, config: AZURE },
      news: { ...NEWS, config: { azure: { keyName: "ekm", tenantId: AZURE.azure.tenantId, vaultUrl: AZURE.azure.vaultUrl, keyVersion: undefined }, provider: "azure" } },
      expected: NONE,
    },
    { name: "updates in place when the nickname changes", news: { ...NEWS, nickname: "renamed" }, expected: UPDATE },
    { name: "updates in place when the activation date changes", news: { ...NEWS, activationDate: "2027-01-01" }, expected: UPDATE },
    { name: "updates in place when the key ARN changes", news: { ...NEWS, config: { provider: "aws", aws: { keyArn: KEY_B, roleArn: ROLE_A } } }, expected: UPDATE },
    { name: "updates in place when the role ARN changes", news: { ...NEWS, config: { provider: "aws", aws: { keyArn: KEY_A, roleArn: ROLE_B } } }, expected: UPDATE },
    {
      name: "updates in place when an Azure key gets pinned to a version",
      olds: { ...OLDS, config: AZURE },
      news: { ...NEWS, config: { provider: "azure", azure: { ...AZURE.azure, keyVersion: "0123456789abcdef0123456789abcdef" } } },
      expected: UPDATE,
    },
    {
      name: "replaces, creating first, when the account changes",
      news: { ...NEWS, accountId: "acct-bbbb2222" },
      expected: { changes: true, replaces: ["accountId"], deleteBeforeReplace: false },
    },
    {
      name: "replaces, deleting first, when the provider kind changes on the same account",
      news: { ...NEWS, config: AZURE },
      expected: { changes: true, replaces: ["config"], deleteBeforeReplace: true },
    },
    {
      name: "replaces, deleting first, when the provider kind changes from azure to aws",
      olds: { ...OLDS, config: AZURE },
      news: NEWS,
      expected: { changes: true, replaces: ["config"], deleteBeforeReplace: true },
    },
    {
      name: "replaces, creating first, when both the account and the provider kind change",
      news: { ...NEWS, accountId: "acct-bbbb2222", config: AZURE },
      expected: { changes: true, replaces: ["accountId", "config"], deleteBeforeReplace: false },
    },
    {
      name: "replaces when the account is unknown (preview)",
      news: { ...NEWS, accountId: UNKNOWN },
      expected: { changes: true, replaces: ["accountId"], deleteBeforeReplace: false },
    },
    { name: "updates when the whole config is unknown (preview)", news: { ...NEWS, config: UNKNOWN }, expected: UPDATE },
    { name: "updates when the provider kind is unknown (preview)", news: { ...NEWS, config: { provider: UNKNOWN, aws: AWS.aws } }, expected: UPDATE },
    { name: "updates when the key ARN is unknown (preview)", news: { ...NEWS, config: { provider: "aws", aws: { keyArn: UNKNOWN, roleArn: ROLE_A } } }, expected: UPDATE },
    { name: "updates when the nickname is unknown (preview)", news: { ...NEWS, nickname: UNKNOWN }, expected: UPDATE },
    {
      name: "replaces, deleting first, when the provider kind changes and only the key is unknown",
      news: { ...NEWS, config: { provider: "azure", azure: { ...AZURE.azure, keyName: UNKNOWN } } },
      expected: { changes: true, replaces: ["config"], deleteBeforeReplace: true },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(diffByok(c.olds ?? OLDS, c.news)).to.deep.equal(c.expected);
    });
  }
});

describe("sameKey", () => {
  it("treats member order and undefined optionals as equal, and an unknown member as different", () => {
    expect(sameKey({ provider: "aws", aws: { roleArn: ROLE_A, keyArn: KEY_A } }, AWS)).to.equal(true);
    expect(sameKey(AWS, { provider: "aws", aws: { keyArn: KEY_B, roleArn: ROLE_A } })).to.equal(false);
    expect(sameKey(AWS, { provider: "aws", aws: { keyArn: UNKNOWN, roleArn: ROLE_A } })).to.equal(false);
    expect(sameKey(undefined, AWS)).to.equal(false);
  });
});
