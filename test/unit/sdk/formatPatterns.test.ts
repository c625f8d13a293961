// The patterns the OpenAPI document publishes never admit a value the platform refuses: a request
// valid by the document is one the server accepts. Each published pattern is checked against the
// schema that really runs, on both sides of its edges.
import { expect } from "chai";
import type { z } from "zod";
import { AccountId, ActivationDate, Base64, FORMAT_PATTERNS, KeyVaultKeyName, KeyVaultKeyVersion, KmsKeyArn, Nickname, RoleArn, TenantId, VaultUrl } from "../../../sdk/schemas";

const KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
const table: [keyof typeof FORMAT_PATTERNS, z.ZodType, string[], string[]][] = [
  [
    "kmsKeyArn",
    KmsKeyArn,
    [`arn:aws:kms:us-east-1:111122223333:key/${KEY}`, `arn:aws-cn:kms:cn-northwest-1:111122223333:key/${KEY}`, `arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-${"a".repeat(32)}`, `arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/${KEY}`, `arn:aws-eusc:kms:eusc-de-east-1:111122223333:key/${KEY}`],
    [`arn:aws-cn:kms:us-east-1:111122223333:key/${KEY}`, `arn:aws:kms:cn-north-1:111122223333:key/${KEY}`, `arn:aws:kms:us-gov-west-1:111122223333:key/${KEY}`, "arn:aws:kms:us-east-1:111122223333:alias/prod", `arn:aws:kms:us-east-1:11112222333:key/${KEY}`],
  ],
  ["roleArn", RoleArn, ["arn:aws:iam::111122223333:role/ekm", "arn:aws-cn:iam::111122223333:role/team/ekm+=,.@-_"], ["arn:aws:iam::111122223333:user/ekm", "arn:aws:iam::111122223333:role/é"]],
  ["vaultUrl", VaultUrl, ["https://contoso-byok.vault.azure.net/", "https://abc.managedhsm.usgovcloudapi.net/"], ["http://contoso.vault.azure.net/", "https://contoso.vault.azure.net/keys/k", "https://a--b.vault.azure.net/", "https://contoso.example.com/"]],
  ["tenantId", TenantId, ["72f988bf-86f1-41af-91ab-2d7cd011db47", "72F988BF-86F1-41AF-91AB-2D7CD011DB47"], ["72f988bf86f141af91ab2d7cd011db47"]],
  ["keyVaultKeyName", KeyVaultKeyName, ["byok-key-1", "a".repeat(127)], ["a".repeat(128), "key_1"]],
  ["keyVaultKeyVersion", KeyVaultKeyVersion, ["0123456789abcdef0123456789ABCDEF"], ["0123"]],
  ["nickname", Nickname, ["p", "prod key", "~".repeat(64)], ["", " prod", "prod ", "a".repeat(65), "tab\there"]],
  ["activationDate", ActivationDate, ["2026-12-01", "1000-01-28T23:59:59.123456789Z", "2026-06-15T09:00+14:59", "2026-06-15T09:00:00-12:00"], ["2026-02-30", "0099-01-01", "2026-12-01T09:00:00", "2026-13-01", "2026-12-01T24:00:00Z"]],
  ["accountId", AccountId, ["acct-3f9a1c2b7d4e5f60"], ["acct_1", "acct-ABC1"]],
  ["base64", Base64, ["", "aGVsbG8=", "aGk=", "+/+/"], ["aGVsbG8", "not base64!", "a==="]],
];

describe("FORMAT_PATTERNS: what the OpenAPI document publishes", () => {
  for (const [name, schema, inside, outside] of table) {
    const pattern = new RegExp(FORMAT_PATTERNS[name]);
    for (const value of inside) {
      it(`accepts ${JSON.stringify(value)} as a ${name}, and so does the platform`, () => {
        expect(pattern.test(value), "pattern").to.equal(true);
        expect(schema.safeParse(value).success, "schema").to.equal(true);
      });
    }
    for (const value of outside) {
      it(`rejects ${JSON.stringify(value)} as a ${name}, as the platform does`, () => {
        expect(pattern.test(value), "pattern").to.equal(false);
        expect(schema.safeParse(value).success, "schema").to.equal(false);
      });
    }
  }
});
