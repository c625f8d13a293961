// The pure part of check: failures with property paths and exact messages, unknowns skipped,
// and the platform's dry-run answer turned into failures or a warning.
import { expect } from "chai";
import { PlatformError } from "../../../sdk/client";
import type { ValidationCheck } from "../../../sdk/schemas";
import { checkByokInputs, dryRunFailure, needsDryRun, validationFailures, type CheckOutcome } from "../../../dynamic-providers/check";
import { UNKNOWN } from "../../../dynamic-providers/types";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE = "arn:aws:iam::111122223333:role/ekm-platform-access";
const AWS = { provider: "aws", aws: { keyArn: KEY, roleArn: ROLE } };
const AZURE = { provider: "azure", azure: { vaultUrl: "https://contoso-byok.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "ekm-key" } };
const VALID = { __provider: "exports.handler = …", accountId: "acct-aaaa1111", config: AWS, nickname: "prod key", activationDate: "2026-12-01" };
const CONFIG_SHAPE = '{provider: "aws", aws: {keyArn, roleArn}} or {provider: "azure", azure: {vaultUrl, tenantId, keyName, keyVersion?}}';

describe("checkByokInputs", () => {
  it("accepts valid AWS inputs, fills in adoptExisting: false and builds the registration", () => {
    const r = checkByokInputs(VALID);
    expect(r.failures).to.deep.equal([]);
    expect(r.inputs).to.deep.equal({ ...VALID, adoptExisting: false, forceRevertOnDelete: false });
    expect(r.request).to.deep.equal({ accountId: "acct-aaaa1111", body: { provider: "aws", aws: AWS.aws, nickname: "prod key", activationDate: "2026-12-01" } });
  });

  it("accepts valid Azure inputs and keeps an explicit adoptExisting", () => {
    const r = checkByokInputs({ ...VALID, config: AZURE, adoptExisting: true });
    expect(r.failures).to.deep.equal([]);
    expect(r.inputs.adoptExisting).to.equal(true);
    expect(r.request?.body).to.deep.equal({ provider: "azure", azure: AZURE.azure, nickname: "prod key", activationDate: "2026-12-01" });
  });

  const rejects: { name: string; news: Record<string, unknown>; failures: { property: string; reason: string }[] }[] = [
    {
      name: "rejects an account id that is not acct-…",
      news: { ...VALID, accountId: "42" },
      failures: [{ property: "accountId", reason: 'must be a platform account ID such as "acct-3f9a1c2b7d4e5f60" (POST /v1/accounts returns it); received "42"' }],
    },
    {
      name: "rejects a missing nickname",
      news: { ...VALID, nickname: undefined },
      failures: [{ property: "nickname", reason: "is required: add nickname (string)" }],
    },
    {
      name: "rejects a nickname with trailing white space",
      news: { ...VALID, nickname: "prod " },
      failures: [{ property: "nickname", reason: 'must not start or end with white space; received "prod "' }],
    },
    {
      name: "rejects an activation date that is not a calendar day",
      news: { ...VALID, activationDate: "2026-13-01" },
      failures: [
        {
          property: "activationDate",
          reason: 'must be an ISO-8601 date or date-time with a zone, e.g. "2026-12-01" or "2026-12-01T00:00:00Z"; 2026-13-01 is not a calendar day; received "2026-13-01"',
        },
      ],
    },
    {
      name: "rejects an activation date-time without a zone",
      news: { ...VALID, activationDate: "2026-01-01T10:00" },
      failures: [
        {
          property: "activationDate",
          reason: 'must be an ISO-8601 date or date-time with a zone, e.g. "2026-12-01" or "2026-12-01T00:00:00Z"; add a zone such as Z; received "2026-01-01T10:00"',
        },
      ],
    },
    {
      name: "rejects a missing config",
      news: { ...VALID, config: undefined },
      failures: [{ property: "config", reason: `is required: add config, ${CONFIG_SHAPE} (a ByokKey component's byokConfig output)` }],
    },
    {
      name: "rejects a config that is not an object",
      news: { ...VALID, config: KEY },
      failures: [{ property: "config", reason: `expected an object ${CONFIG_SHAPE}, received "${KEY}"` }],
    },
    {
      name: "rejects a provider other than aws or azure",
      news: { ...VALID, config: { provider: "gcp", gcp: {} } },
      failures: [{ property: "config.provider", reason: 'must be "aws" or "azure"; received "gcp"' }],
    },
    {
      name: "rejects an AWS config without its aws part",
      news: { ...VALID, config: { provider: "aws" } },
      failures: [{ property: "config.aws", reason: "is required: add aws (object)" }],
    },
    {
      name: "rejects an alias ARN, a malformed role ARN and an unknown field, each at its path",
      news: { ...VALID, config: { provider: "aws", aws: { keyArn: "arn:aws:kms:us-east-1:111122223333:alias/ekm", roleArn: "ekm-role", keyId: "x" } } },
      failures: [
        {
          property: "config.aws.keyArn",
          reason:
            "must be a key ARN, not an alias ARN: resolve the alias with kms:DescribeKey and pass its KeyMetadata.Arn, e.g. arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; " +
            'received "arn:aws:kms:us-east-1:111122223333:alias/ekm"',
        },
        {
          property: "config.aws.roleArn",
          reason: 'must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role/[path/]<name>, e.g. arn:aws:iam::111122223333:role/ekm-platform-access; received "ekm-role"',
        },
        { property: "config.aws.keyId", reason: 'unknown field "keyId": remove it (the API rejects fields it does not define)' },
      ],
    },
    {
      name: "rejects an Azure vault URL outside Key Vault, a tenant that is not a GUID and a bad key name",
      news: { ...VALID, config: { provider: "azure", azure: { vaultUrl: "https://example.com/", tenantId: "contoso", keyName: "a_b" } } },
      failures: [
        {
          property: "config.azure.vaultUrl",
          reason:
            'must be a Key Vault URL https://<vault-name>.<Key Vault DNS suffix>/ such as https://contoso-byok.vault.azure.net/ (the vault\'s "Vault URI"); the host must end in one of ' +
            'vault.azure.net, vault.azure.cn, vault.usgovcloudapi.net, vault.microsoftazure.de, managedhsm.azure.net, managedhsm.azure.cn, managedhsm.usgovcloudapi.net, managedhsm.microsoftazure.de; received "https://example.com/"',
        },
        {
          property: "config.azure.tenantId",
          reason: 'must be a Microsoft Entra tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47); find it with "az account show --query tenantId"; received "contoso"',
        },
        { property: "config.azure.keyName", reason: 'must be a Key Vault key name: 1-127 letters, digits and hyphens; received "a_b"' },
      ],
    },
    {
      name: "rejects an adoptExisting that is not a boolean and an unknown argument",
      news: { ...VALID, adoptExisting: "yes", region: "us-east-1" },
      failures: [
        { property: "adoptExisting", reason: 'expected boolean, received "yes"' },
        { property: "region", reason: 'unknown field "region": remove it (the API rejects fields it does not define)' },
      ],
    },
  ];
  for (const c of rejects) {
    it(c.name, () => {
      const r = checkByokInputs(c.news);
      expect(r.failures).to.deep.equal(c.failures);
      expect(r.request, "no registration from invalid inputs").to.equal(undefined);
    });
  }

  it("reports every missing input of an empty bag", () => {
    expect(checkByokInputs({}).failures.map((f) => f.property)).to.deep.equal(["accountId", "nickname", "activationDate", "config"]);
  });

  describe("with unknown values (preview)", () => {
    const cases: { name: string; news: Record<string, unknown>; properties: string[] }[] = [
      { name: "skips an unknown key ARN but still reports a bad nickname", news: { ...VALID, config: { provider: "aws", aws: { keyArn: UNKNOWN, roleArn: ROLE } }, nickname: " x" }, properties: ["nickname"] },
      { name: "skips a config that is unknown as a whole", news: { ...VALID, config: UNKNOWN }, properties: [] },
      { name: "skips a config whose provider is unknown", news: { ...VALID, config: { provider: UNKNOWN, aws: { keyArn: "bad" } } }, properties: [] },
      { name: "skips an unknown account id but still reports a bad key ARN", news: { ...VALID, accountId: UNKNOWN, config: { provider: "aws", aws: { keyArn: "bad", roleArn: ROLE } } }, properties: ["config.aws.keyArn"] },
      { name: "skips an unknown activation date", news: { ...VALID, activationDate: UNKNOWN }, properties: [] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = checkByokInputs(c.news);
        expect(r.failures.map((f) => f.property)).to.deep.equal(c.properties);
        expect(r.request, "no dry run with unknown inputs").to.equal(undefined);
      });
    }
  });
});

describe("needsDryRun", () => {
  const request = checkByokInputs(VALID).request as NonNullable<CheckOutcome["request"]>;
  const cases: { name: string; olds: Record<string, unknown>; expected: boolean }[] = [
    { name: "dry-runs a new resource", olds: {}, expected: true },
    { name: "dry-runs a key change", olds: { ...VALID, config: { provider: "aws", aws: { keyArn: KEY, roleArn: `${ROLE}-old` } } }, expected: true },
    { name: "dry-runs an account change", olds: { ...VALID, accountId: "acct-bbbb2222" }, expected: true },
    { name: "does not dry-run a nickname or date change of the same key", olds: { ...VALID, nickname: "old", activationDate: "2025-01-01" }, expected: false },
    { name: "does not dry-run an unchanged configuration", olds: VALID, expected: false },
  ];
  for (const c of cases) it(c.name, () => expect(needsDryRun(c.olds, request)).to.equal(c.expected));
});

describe("validationFailures", () => {
  it("names each failed step at the input it points to and leaves out skipped steps", () => {
    const checks: ValidationCheck[] = [
      { name: "sts:AssumeRole", status: "ok", message: "assumed" },
      { name: "kms:DescribeKey", status: "ok", message: "enabled" },
      { name: "kms:GenerateDataKey", status: "failed", message: "kms:GenerateDataKey denied for role r — the role policy must allow it" },
      { name: "kms:Decrypt", status: "skipped", message: "not run because kms:GenerateDataKey failed" },
    ];
    expect(validationFailures({ ok: false, checks }, "aws")).to.deep.equal([
      { property: "config.aws.keyArn", reason: "kms:GenerateDataKey denied for role r — the role policy must allow it" },
    ]);
  });

  it("points sts:AssumeRole at the role and Azure steps at the azure config", () => {
    expect(validationFailures({ ok: false, checks: [{ name: "sts:AssumeRole", status: "failed", message: "denied" }] }, "aws")).to.deep.equal([
      { property: "config.aws.roleArn", reason: "sts:AssumeRole: denied" },
    ]);
    expect(validationFailures({ ok: false, checks: [{ name: "keyvault:WrapKey", status: "failed", message: "forbidden" }] }, "azure")).to.deep.equal([
      { property: "config.azure", reason: "keyvault:WrapKey: forbidden" },
    ]);
  });

  it("returns nothing for a passed validation, and one failure when no step is named", () => {
    expect(validationFailures({ ok: true, checks: [] }, "aws")).to.deep.equal([]);
    expect(validationFailures({ ok: false, checks: [] }, "aws")).to.deep.equal([
      { property: "config", reason: "the platform could not validate the key and named no failed step: run pulumi preview again, or look at the platform's events" },
    ]);
  });
});

describe("dryRunFailure", () => {
  const request = checkByokInputs(VALID).request as NonNullable<CheckOutcome["request"]>;
  const url = "http://127.0.0.1:9";

  it("quotes the server's message from PlatformError.reason, which carries no client prefix", () => {
    const err = new PlatformError({ status: 422, code: "validation_failed", message: "the vault is not allowed", requestId: "1b2c", operation: "POST /v1/accounts/acct-aaaa1111/key-management/byok:validate", attempts: 1 });
    expect(err.message).to.equal("POST /v1/accounts/acct-aaaa1111/key-management/byok:validate failed (422 validation_failed, request 1b2c): the vault is not allowed");
    expect(err.reason).to.equal("the vault is not allowed");
    expect(dryRunFailure(err, request, url)).to.deep.equal({ failures: [{ property: "config", reason: "the platform refused the key (422 validation_failed): the vault is not allowed" }] });
  });

  it("warns instead of failing when the platform cannot be reached", () => {
    const reason = "could not reach http://127.0.0.1:9: ECONNREFUSED";
    expect(dryRunFailure({ status: 0, code: "network_error", reason }, request, url)).to.deep.equal({
      warning:
        "ByokConfiguration acct-aaaa1111: could not dry-run the key validation on the platform at http://127.0.0.1:9 (network_error): could not reach http://127.0.0.1:9: ECONNREFUSED; " +
        "the platform validates the key again when it is registered",
    });
    expect(dryRunFailure({ status: 503, code: "server_error", reason: "x" }, request, url)).to.have.property("warning");
  });

  it("fails on accountId when the token is rejected", () => {
    expect(dryRunFailure({ status: 401, code: "unauthorized", reason: "the token is not valid" }, request, url)).to.deep.equal({
      failures: [
        {
          property: "accountId",
          reason: 'the platform at http://127.0.0.1:9 rejected the API token (401 unauthorized): set the token of account acct-aaaa1111 with "pulumi config set --secret ekm:apiToken <token>" or EKM_API_TOKEN',
        },
      ],
    });
  });

  it("fails on accountId when the account is unknown to the token", () => {
    expect(dryRunFailure({ status: 404, code: "not_found", reason: "account acct-aaaa1111 not found" }, request, url)).to.deep.equal({
      failures: [{ property: "accountId", reason: 'account "acct-aaaa1111" cannot be used with this API token on the platform at http://127.0.0.1:9 (404 not_found): account acct-aaaa1111 not found' }],
    });
  });

  it("turns a refused registration's checks into step failures", () => {
    const checks: ValidationCheck[] = [{ name: "sts:AssumeRole", status: "failed", message: "trust policy lacks sts:ExternalId" }];
    expect(dryRunFailure({ status: 422, code: "key_validation_failed", reason: "m", checks }, request, url)).to.deep.equal({
      failures: [{ property: "config.aws.roleArn", reason: "sts:AssumeRole: trust policy lacks sts:ExternalId" }],
    });
  });

  it("puts a refusal that names a field at that field under config", () => {
    const reason = "azure.vaultUrl: the platform only calls Key Vault hosts";
    expect(dryRunFailure({ status: 422, code: "validation_failed", reason, field: "azure.vaultUrl" }, request, url)).to.deep.equal({
      failures: [{ property: "config.azure.vaultUrl", reason: "the platform refused the key (422 validation_failed): azure.vaultUrl: the platform only calls Key Vault hosts" }],
    });
  });
});
