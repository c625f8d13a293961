import { expect } from "chai";
import { z } from "zod";
import { awsReferenceProblem, normalizeVaultUrl, AccountId, ActivationDate, Base64, KeyVaultKeyVersion, KmsKeyArn, Nickname, RoleArn, TenantId, VaultUrl, formatIssues, parseWith, PutByokRequest, PatchByokRequest } from "../../../sdk/schemas";

type Case = [input: unknown, error: string | null];

function run(schema: z.ZodType, cases: Case[]) {
  for (const [input, error] of cases) {
    if (error === null) {
      it(`accepts ${JSON.stringify(input)}`, () => {
        const r = parseWith(schema, input);
        expect(r.ok, r.ok ? "" : formatIssues(r.issues)).to.equal(true);
      });
    } else {
      it(`rejects ${JSON.stringify(input)}`, () => {
        const r = parseWith(schema, input);
        expect(r.ok).to.equal(false);
        if (!r.ok) expect(formatIssues(r.issues)).to.equal(error);
      });
    }
  }
}

const ARN_FIX = "must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key UUID or mrk-id>, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE_FIX = "must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role/[path/]<name>, e.g. arn:aws:iam::111122223333:role/ekm-platform-access";
const VAULT_FIX = 'must be a Key Vault URL https://<vault-name>.<Key Vault DNS suffix>/ such as https://contoso-byok.vault.azure.net/ (the vault\'s "Vault URI")';
const DATE_FIX = 'must be an ISO-8601 date or date-time with a zone, e.g. "2026-12-01" or "2026-12-01T00:00:00Z"';

describe("KmsKeyArn", () => {
  run(KmsKeyArn, [
    ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", null],
    ["arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", null],
    ["arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", null],
    ["arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", null],
    ["arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab", `${ARN_FIX}; received "arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab"`],
    ["arn:aws:kms:us-east-1:111122223333:key/not-a-uuid", `${ARN_FIX}; received "arn:aws:kms:us-east-1:111122223333:key/not-a-uuid"`],
    ["arn:gcp:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", `${ARN_FIX}; received "arn:gcp:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"`],
    [
      "arn:aws:kms:us-east-1:111122223333:alias/my-key",
      'must be a key ARN, not an alias ARN: resolve the alias with kms:DescribeKey and pass its KeyMetadata.Arn, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; received "arn:aws:kms:us-east-1:111122223333:alias/my-key"',
    ],
    [
      "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      'region cn-north-1 belongs to partition aws-cn, not aws: copy the ARN from the KMS console or DescribeKey; received "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
    ],
    [42, "expected string, received 42"],
  ]);
});

describe("RoleArn", () => {
  run(RoleArn, [
    ["arn:aws:iam::111122223333:role/ekm-platform-access", null],
    ["arn:aws:iam::111122223333:role/service/ekm/ekm+access@x", null],
    ["arn:aws:iam::111122223333:user/alice", `${ROLE_FIX}; received "arn:aws:iam::111122223333:user/alice"`],
    ["arn:aws:iam:us-east-1:111122223333:role/x", `${ROLE_FIX}; received "arn:aws:iam:us-east-1:111122223333:role/x"`],
    [`arn:aws:iam::111122223333:role/${"r".repeat(65)}`, `${ROLE_FIX}; received "arn:aws:iam::111122223333:role/${"r".repeat(65)}"`],
  ]);
});

describe("VaultUrl", () => {
  run(VaultUrl, [
    ["https://contoso-byok.vault.azure.net/", null],
    ["https://contoso.vault.azure.cn", null],
    ["https://contoso.vault.usgovcloudapi.net/", null],
    ["https://contoso.managedhsm.azure.net/", null],
    ["https://localhost:8443", null],
    [" https://Contoso-BYOK.vault.azure.net ", null],
    ["https://contoso.vault.azure.net:443/", null],
    ["http://contoso.vault.azure.net/", `${VAULT_FIX}; it must start with https:// (only https is allowed); received "http://contoso.vault.azure.net/"`],
    ["https:contoso.vault.azure.net", `${VAULT_FIX}; it must start with https:// (only https is allowed); received "https:contoso.vault.azure.net"`],
    ["https://contoso.vault.azure.net:8443/", `${VAULT_FIX}; remove the port :8443 (Key Vault answers on https's default port 443 only); received "https://contoso.vault.azure.net:8443/"`],
    ["https://cont%6Fso.vault.azure.net/", `${VAULT_FIX}; write the host without percent-encoding; received "https://cont%6Fso.vault.azure.net/"`],
    ["https://contoso.vault.azure.net/?", `${VAULT_FIX}; remove the path, query and fragment (give the vault, not a key); received "https://contoso.vault.azure.net/?"`],
    ["https://contoso.vault.azure.net/#k", `${VAULT_FIX}; remove the path, query and fragment (give the vault, not a key); received "https://contoso.vault.azure.net/#k"`],
    ["https://contoso.vault.azure.net/keys/k1", `${VAULT_FIX}; remove the path, query and fragment (give the vault, not a key); received "https://contoso.vault.azure.net/keys/k1"`],
    ["https://contoso.example.com/", `${VAULT_FIX}; the host must end in one of vault.azure.net, vault.azure.cn, vault.usgovcloudapi.net, vault.microsoftazure.de, managedhsm.azure.net, managedhsm.azure.cn, managedhsm.usgovcloudapi.net, managedhsm.microsoftazure.de; received "https://contoso.example.com/"`],
    ["https://a--b.vault.azure.net/", `${VAULT_FIX}; the vault name "a--b" must be 3-24 letters, digits and single hyphens, starting with a letter; received "https://a--b.vault.azure.net/"`],
    ["https://user:pw@contoso.vault.azure.net/", `${VAULT_FIX}; remove the credentials from the URL; received "https://user:pw@contoso.vault.azure.net/"`],
    ["https://localhost/", `${VAULT_FIX}; a loopback test vault needs an explicit port; received "https://localhost/"`],
    ["not a url", `${VAULT_FIX}; it must start with https:// (only https is allowed); received "not a url"`],
  ]);
});

describe("normalizeVaultUrl", () => {
  const cases: [string, string][] = [
    [" https://Contoso-BYOK.vault.azure.net ", "https://contoso-byok.vault.azure.net/"],
    ["https://contoso.vault.azure.net:443", "https://contoso.vault.azure.net/"],
    ["https://LOCALHOST:8443/", "https://localhost:8443/"],
  ];
  for (const [input, stored] of cases) it(`stores ${JSON.stringify(input)} as ${stored}`, () => expect(normalizeVaultUrl(input)).to.equal(stored));
});

describe("awsReferenceProblem", () => {
  it("accepts a key and a role of one partition", () => {
    expect(awsReferenceProblem("arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws-cn:iam::111122223333:role/r")).to.equal(undefined);
  });
  it("refuses a role in another partition than the key, naming both", () => {
    expect(awsReferenceProblem("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws-us-gov:iam::111122223333:role/r")).to.equal(
      "must be in the key's partition aws, received a role in partition aws-us-gov: create the role in the same partition as the key (arn:aws:iam::<account>:role/<name>)",
    );
  });
});

describe("TenantId", () => {
  run(TenantId, [
    ["72f988bf-86f1-41af-91ab-2d7cd011db47", null],
    ["72F988BF-86F1-41AF-91AB-2D7CD011DB47", null],
    ["contoso.onmicrosoft.com", 'must be a Microsoft Entra tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47); find it with "az account show --query tenantId"; received "contoso.onmicrosoft.com"'],
  ]);
});

describe("Nickname", () => {
  run(Nickname, [
    ["prod key 2026", null],
    ["ключ-δ", null],
    ["", 'must be 1-64 characters, got 0; received ""'],
    ["x".repeat(65), `must be 1-64 characters, got 65; received "${"x".repeat(65)}"`],
    ["tab\there", 'must contain only printable characters: remove control and format characters; received "tab\\there"'],
    [" padded", 'must not start or end with white space; received " padded"'],
  ]);
});

describe("ActivationDate", () => {
  run(ActivationDate, [
    ["2026-12-01", null],
    ["2026-12-01T00:00:00Z", null],
    ["2026-12-01T10:30:00.123+02:00", null],
    ["2026-02-30", `${DATE_FIX}; 2026-02-30 is not a calendar day; received "2026-02-30"`],
    ["2026-12-01T10:00:00", `${DATE_FIX}; add a zone such as Z; received "2026-12-01T10:00:00"`],
    ["12/01/2026", `${DATE_FIX}; received "12/01/2026"`],
    ["2026-12-01T25:00:00Z", `${DATE_FIX}; the time is out of range; received "2026-12-01T25:00:00Z"`],
    ["2099-12-01T00:00:00+99:99", `${DATE_FIX}; the zone offset +99:99 is out of range (-12:00 to +14:00); received "2099-12-01T00:00:00+99:99"`],
    ["2026-12-01T00:00:00+14:00", null],
  ]);
});

describe("KeyVaultKeyVersion, AccountId, Base64", () => {
  run(KeyVaultKeyVersion, [
    ["0123456789abcdef0123456789abcdef", null],
    ["v1", 'must be a Key Vault key version (32 hexadecimal characters), or be omitted to follow the newest version; received "v1"'],
  ]);
  run(AccountId, [
    ["acct-3f9a1c2b7d4e5f60", null],
    ["acct_1", 'must be a platform account ID such as "acct-3f9a1c2b7d4e5f60" (POST /v1/accounts returns it); received "acct_1"'],
  ]);
  run(Base64, [
    ["aGVsbG8=", null],
    ["", null],
    ["not base64!", 'must be standard base64 (A-Z, a-z, 0-9, +, / and = padding); received "not base64!"'],
  ]);
});

describe("PutByokRequest", () => {
  const aws = { keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::111122223333:role/ekm" };
  run(PutByokRequest, [
    [{ provider: "aws", aws, nickname: "prod", activationDate: "2026-12-01" }, null],
    [{ provider: "azure", azure: { vaultUrl: "https://contoso.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "byok" }, nickname: "prod", activationDate: "2026-12-01" }, null],
    [{ provider: "aws", aws, nickname: "prod", activationDate: "2026-12-01", color: "red" }, 'color: unknown field "color": remove it (the API rejects fields it does not define)'],
    [{ provider: "aws", aws: { ...aws, extra: 1 }, nickname: "prod", activationDate: "2026-12-01" }, 'aws.extra: unknown field "extra": remove it (the API rejects fields it does not define)'],
    [{ provider: "aws", nickname: "prod", activationDate: "2026-12-01" }, "aws: is required: add aws (object)"],
    [{ provider: "gcp", nickname: "prod" }, 'provider: provider must be "aws" or "azure"; received "gcp"'],
    ["text", "expected object, received \"text\""],
  ]);
});

describe("PatchByokRequest", () => {
  run(PatchByokRequest, [
    [{ nickname: "new" }, null],
    [{}, "give nickname or activationDate (or both); to change the key itself use PUT"],
    [{ nickname: "new", provider: "aws" }, 'provider: unknown field "provider": remove it (the API rejects fields it does not define)'],
  ]);
});
