/**
 * ekm:aws:ByokKey under mocks: the resource graph, the exact documents, the outputs, and the
 * trust lookup through the platform.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { AwsKeyReference, PutByokRequest } from "../../../sdk/schemas";
import { ByokKey, trustSource, type ByokKeyArgs } from "../../../components/aws/byokKey";
import { DOCUMENTED_POLICY_WARNING } from "../../../components/aws/policies";
import { ekmMocks, outputDependencies, outputValue, recorded, waitForRegistrations, outputFailure, MOCK_PLATFORM_PRINCIPAL, PLATFORM_TRUST_CALL } from "../../../testing";
import { rejection } from "../../support/rejection";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const TRUST = { principalArn: "arn:aws:iam::999988887777:role/ekm-platform", externalId: "ekm-0123456789abcdef0123456789abcdef" };

let mocks: pulumi.runtime.Mocks;

async function setup(): Promise<void> {
  mocks = ekmMocks();
  await pulumi.runtime.setMocks(mocks, "onboarding", "test", false);
}

/** Builds the component, then waits until every child is registered. */
async function build(name: string, args: ByokKeyArgs, opts?: pulumi.ComponentResourceOptions): Promise<ByokKey> {
  const key = new ByokKey(name, args, opts);
  await outputValue(key.byokConfig);
  await waitForRegistrations();
  return key;
}


/** Captures what the component logs as warnings (pulumi.log.warn prints them with console.warn under mocks). */
async function capturingWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    return { result: await fn(), warnings };
  } finally {
    console.warn = original;
  }
}

describe("aws.ByokKey", () => {
  beforeEach(setup);

  it("creates a role, a key, an alias and a role policy, each a child of the component with the caller's providers", async () => {
    const provider = new aws.Provider("aws-eu", { region: "eu-west-1" });
    await build("prod", { accountId: ACCOUNT, trust: TRUST }, { providers: { aws: provider } });

    const graph = recorded(mocks)
      .all.map((r) => ({ type: r.type, name: r.name, parentType: r.parentType, provider: r.providerName }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(graph).to.deep.equal([
      { type: "pulumi:providers:aws", name: "aws-eu", parentType: undefined, provider: undefined },
      { type: "ekm:aws:ByokKey", name: "prod", parentType: undefined, provider: undefined },
      { type: "aws:kms/alias:Alias", name: "prod-alias", parentType: "ekm:aws:ByokKey", provider: "aws-eu" },
      { type: "aws:kms/key:Key", name: "prod-key", parentType: "ekm:aws:ByokKey", provider: "aws-eu" },
      { type: "aws:iam/rolePolicy:RolePolicy", name: "prod-policy", parentType: "ekm:aws:ByokKey", provider: "aws-eu" },
      { type: "aws:iam/role:Role", name: "prod-role", parentType: "ekm:aws:ByokKey", provider: "aws-eu" },
    ]);
    // The key lives where the caller's provider points.
    expect(recorded(mocks).find("aws:kms/key:Key", "prod-key").state.arn).to.match(/^arn:aws:kms:eu-west-1:111122223333:key\//);
    // The component makes no function calls: the root principal comes from the role's ARN.
    expect(recorded(mocks).calls).to.deep.equal([]);
  });

  it("writes the exact trust policy: only the platform principal, only with the account's external ID", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST });
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowPlatformAssumeRoleWithExternalId",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::999988887777:role/ekm-platform" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "ekm-0123456789abcdef0123456789abcdef" } },
        },
      ],
    };
    expect(JSON.parse(recorded(mocks).find("aws:iam/role:Role", "prod-role").inputs.assumeRolePolicy as string)).to.deep.equal(expected);
    expect(JSON.parse(await outputValue(key.trustPolicyDocument))).to.deep.equal(expected);
  });

  it("writes the exact key policy: the account root administers, the role may describe and use the key with the tenant context", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST });
    const roleArn = await outputValue(key.roleArn);
    expect(roleArn).to.match(/^arn:aws:iam::111122223333:role\/prod-role-[0-9a-f]{7}$/);
    const expected = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "EnableRootAccountAdministration", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
        { Sid: "AllowPlatformDescribeKey", Effect: "Allow", Principal: { AWS: roleArn }, Action: "kms:DescribeKey", Resource: "*" },
        {
          Sid: "AllowPlatformUseWithTenantContext",
          Effect: "Allow",
          Principal: { AWS: roleArn },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
          Resource: "*",
          Condition: { StringEquals: { "kms:EncryptionContext:tenant_id": "acct-3f9a1c2b7d4e5f60" } },
        },
      ],
    };
    const policy = recorded(mocks).find("aws:kms/key:Key", "prod-key").inputs.policy as string;
    expect(JSON.parse(policy)).to.deep.equal(expected);
    expect(JSON.parse((await outputValue(key.keyPolicyDocument))!)).to.deep.equal(expected);
    // The platform calls KMS directly: a kms:ViaService condition would deny every call.
    expect(policy).not.to.contain("kms:ViaService");
  });

  it("writes the exact least-privilege role policy: DescribeKey, and Encrypt/Decrypt/GenerateDataKey with the tenant context, on the one key ARN", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST });
    const keyArn = await outputValue(key.keyArn);
    const expected = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "AllowPlatformDescribeKey", Effect: "Allow", Action: "kms:DescribeKey", Resource: keyArn },
        {
          Sid: "AllowPlatformUseWithTenantContext",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
          Resource: keyArn,
          Condition: { StringEquals: { "kms:EncryptionContext:tenant_id": "acct-3f9a1c2b7d4e5f60" } },
        },
      ],
    };
    const policy = recorded(mocks).find("aws:iam/rolePolicy:RolePolicy", "prod-policy");
    expect(policy.inputs.name).to.equal("ekm-byok-key-access");
    expect(policy.inputs.role).to.equal(await outputValue(key.roleName));
    expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal(expected);
    expect(JSON.parse(await outputValue(key.policyDocument))).to.deep.equal(expected);
  });

  it("creates a rotating SYMMETRIC_DEFAULT key, its alias and a 1-hour role with the defaults", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST });
    const { policy: _policy, ...keyInputs } = recorded(mocks).find("aws:kms/key:Key", "prod-key").inputs;
    expect(keyInputs).to.deep.equal({
      description: "pulumi-ekm BYOK key for platform account acct-3f9a1c2b7d4e5f60",
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      rotationPeriodInDays: 90,
      deletionWindowInDays: 30,
      multiRegion: false,
    });
    expect(recorded(mocks).find("aws:kms/alias:Alias", "prod-alias").inputs).to.deep.equal({
      name: "alias/ekm-byok-acct-3f9a1c2b7d4e5f60",
      targetKeyId: await outputValue(key.keyId),
    });
    const { assumeRolePolicy: _trust, ...roleInputs } = recorded(mocks).find("aws:iam/role:Role", "prod-role").inputs;
    expect(roleInputs).to.deep.equal({
      description: "Assumed by the platform, with an external ID, to use the BYOK key of platform account acct-3f9a1c2b7d4e5f60",
      maxSessionDuration: 3600,
    });
  });

  it("passes the key and role options through", async () => {
    await build("prod", {
      accountId: ACCOUNT,
      trust: TRUST,
      key: { alias: "alias/acme/ekm", description: "Acme BYOK", rotationPeriodInDays: 365, deletionWindowInDays: 7, tags: { team: "security" } },
      role: { name: "acme-ekm-platform", path: "/ekm/", permissionsBoundary: "arn:aws:iam::111122223333:policy/boundary", maxSessionDuration: 7200, tags: { team: "security" } },
    });
    const key = recorded(mocks).find("aws:kms/key:Key", "prod-key");
    expect([key.inputs.description, key.inputs.rotationPeriodInDays, key.inputs.deletionWindowInDays, key.inputs.tags]).to.deep.equal(["Acme BYOK", 365, 7, { team: "security" }]);
    expect(recorded(mocks).find("aws:kms/alias:Alias", "prod-alias").inputs.name).to.equal("alias/acme/ekm");
    const role = recorded(mocks).find("aws:iam/role:Role", "prod-role");
    expect([role.inputs.name, role.inputs.path, role.inputs.permissionsBoundary, role.inputs.maxSessionDuration, role.inputs.tags]).to.deep.equal([
      "acme-ekm-platform",
      "/ekm/",
      "arn:aws:iam::111122223333:policy/boundary",
      7200,
      { team: "security" },
    ]);
    expect(role.state.arn).to.equal("arn:aws:iam::111122223333:role/ekm/acme-ekm-platform");
  });

  it("creates a multi-Region key with an mrk- id when key.multiRegion is true", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST, key: { multiRegion: true } });
    expect(recorded(mocks).find("aws:kms/key:Key", "prod-key").inputs.multiRegion).to.equal(true);
    expect(await outputValue(key.keyId)).to.match(/^mrk-[0-9a-f]{32}$/);
    expect(AwsKeyReference.safeParse((await outputValue(key.byokConfig)).aws).success).to.equal(true);
  });

  it("returns the outputs, and a byokConfig that parses with the sdk's AwsKeyReference and PutByokRequest", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST });
    const keyArn = await outputValue(key.keyArn);
    const keyId = await outputValue(key.keyId);
    const roleName = await outputValue(key.roleName);
    expect(keyArn).to.equal(`arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
    expect(await outputValue(key.aliasName)).to.equal("alias/ekm-byok-acct-3f9a1c2b7d4e5f60");
    expect(await outputValue(key.roleArn)).to.equal(`arn:aws:iam::111122223333:role/${roleName}`);
    const config = await outputValue(key.byokConfig);
    expect(config).to.deep.equal({ provider: "aws", aws: { keyArn, roleArn: `arn:aws:iam::111122223333:role/${roleName}` } });
    expect(AwsKeyReference.parse(config.aws)).to.deep.equal(config.aws);
    expect(PutByokRequest.safeParse({ ...config, nickname: "Acme prod", activationDate: "2026-12-01" }).success).to.equal(true);
  });

  it("makes byokConfig wait for the role policy and the alias, so the platform validates a usable role", async () => {
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST });
    const dependencies = await outputDependencies(key.byokConfig);
    expect(dependencies).to.include(key.rolePolicy);
    expect(dependencies).to.include(key.alias);
    expect(dependencies).to.include(key.key);
  });

  it("uses an existing keyArn: no key and no alias, and the role policy names that ARN", async () => {
    const existing = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const key = await build("prod", { accountId: ACCOUNT, trust: TRUST, keyArn: existing });
    expect(recorded(mocks).all.map((r) => r.type).sort()).to.deep.equal(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "ekm:aws:ByokKey"]);
    expect(key.key).to.equal(undefined);
    expect(await outputValue(key.keyId)).to.equal("1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(await outputValue(key.aliasName)).to.equal(undefined);
    expect(await outputValue(key.keyPolicyDocument)).to.equal(undefined);
    const statements = JSON.parse(await outputValue(key.policyDocument)).Statement as { Resource: string }[];
    expect(statements.map((s) => s.Resource)).to.deep.equal([existing, existing]);
    expect((await outputValue(key.byokConfig)).aws.keyArn).to.equal(existing);
  });

  it('attaches the seed\'s policy verbatim and warns why it is weaker when policy is "documented"', async () => {
    const { result: key, warnings } = await capturingWarnings(() => build("prod", { accountId: ACCOUNT, trust: TRUST, policy: "documented" }));
    expect(warnings).to.deep.equal([`warning: [runtime] ${DOCUMENTED_POLICY_WARNING}`]);
    expect(DOCUMENTED_POLICY_WARNING).to.contain("DescribeKey is denied").and.to.contain("no tenant isolation");
    // The seed's snippet, character for character apart from white space.
    const seed = `{
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
          "Resource": "arn:aws:kms:*:*:key/*",
          "Condition": { "StringEquals": { "kms:EncryptionContext:tenant_id": "\${aws:RequestedRegion}" } }
        }
      ]
    }`;
    expect(await outputValue(key.policyDocument)).to.equal(JSON.stringify(JSON.parse(seed)));
    const keyPolicy = JSON.parse((await outputValue(key.keyPolicyDocument))!);
    expect(keyPolicy.Statement[1]).to.deep.equal({
      Sid: "SeedDocumentedPolicy1",
      Effect: "Allow",
      Principal: { AWS: await outputValue(key.roleArn) },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:EncryptionContext:tenant_id": "${aws:RequestedRegion}" } },
    });
  });

  it("does not warn with the default least-privilege policy", async () => {
    const { warnings } = await capturingWarnings(() => build("prod", { accountId: ACCOUNT, trust: TRUST }));
    expect(warnings).to.deep.equal([]);
  });

  it("throws a ResourceError and creates no child when an argument is invalid", async () => {
    expect(() => new ByokKey("prod", { accountId: ACCOUNT, trust: TRUST, key: { rotationPeriodInDays: 30 } }))
      .to.throw(pulumi.ResourceError)
      .with.property("message", "key.rotationPeriodInDays must be an integer from 90 to 2560 (KMS rotation period; 90 matches the platform's own rotation); received 30");
    // hideStack: the CLI prints the message attached to the component, not util.inspect of the error and its resource.
    expect(() => new ByokKey("prod2", { accountId: ACCOUNT, trust: TRUST, key: { rotationPeriodInDays: 30 } })).to.throw(pulumi.ResourceError).with.property("hideStack", true);
    await waitForRegistrations();
    expect(recorded(mocks).all.map((r) => r.type)).to.deep.equal(["ekm:aws:ByokKey", "ekm:aws:ByokKey"]);
  });

  it("rejects the accountId when an Output resolves to an invalid value", async () => {
    const key = new ByokKey("prod", { accountId: pulumi.output("account-42"), trust: TRUST });
    const { error, message } = await outputFailure(key.policyDocument);
    expect(error).to.be.instanceOf(pulumi.ResourceError);
    expect(message).to.equal(
      'accountId must be a platform account ID such as "acct-3f9a1c2b7d4e5f60" (POST /v1/accounts returns it); received "account-42"',
    );
  });

  describe("trust from the platform", () => {
    let server: http.Server;
    let seen: { url?: string; authorization?: string }[];
    let answer: unknown;
    let html = false;
    const saved = { url: process.env.EKM_PLATFORM_URL, token: process.env.EKM_API_TOKEN };
    const TOKEN = "ekm_test_token_do_not_leak_7f3a";
    const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    before(async () => {
      server = http.createServer((req, res) => {
        seen.push({ url: req.url, authorization: req.headers.authorization });
        if (html) {
          res.writeHead(200, { "content-type": "text/html" });
          res.end("<!doctype html><title>Acme intranet</title>");
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
    });
    beforeEach(() => {
      seen = [];
      html = false;
      answer = { accountId: ACCOUNT, aws: TRUST, azure: { applicationId: "3c6f2b1a-9d8e-4f70-8a6b-5c4d3e2f1a0b" } };
      process.env.EKM_PLATFORM_URL = url();
      process.env.EKM_API_TOKEN = TOKEN;
    });
    afterEach(() => {
      for (const [name, value] of [
        ["EKM_PLATFORM_URL", saved.url],
        ["EKM_API_TOKEN", saved.token],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it("asks the mocks, not the configured platform, when trust is omitted under mocks: no HTTP call, no token in a resource", async () => {
      const key = await build("prod", { accountId: ACCOUNT });
      expect(seen, "no request reached the platform URL in EKM_PLATFORM_URL").to.deep.equal([]);
      const [statement] = JSON.parse(await outputValue(key.trustPolicyDocument)).Statement;
      expect(statement.Principal.AWS).to.equal(MOCK_PLATFORM_PRINCIPAL);
      expect(statement.Condition.StringEquals["sts:ExternalId"]).to.match(/^ekm-[0-9a-f]{32}$/);
      expect(recorded(mocks).calls.map((c) => [c.token, c.inputs])).to.deep.equal([[PLATFORM_TRUST_CALL, { accountId: ACCOUNT }]]);
      for (const r of recorded(mocks).all) {
        expect(JSON.stringify({ inputs: r.inputs, state: r.state }), `${r.type} ${r.name}`).not.to.contain(TOKEN);
      }
    });

    it("uses the trust configured in ekmMocks({ trust })", async () => {
      mocks = ekmMocks({ trust: TRUST });
      await pulumi.runtime.setMocks(mocks, "onboarding", "test", false);
      const key = await build("prod", { accountId: ACCOUNT });
      const [statement] = JSON.parse(await outputValue(key.trustPolicyDocument)).Statement;
      expect([statement.Principal.AWS, statement.Condition.StringEquals["sts:ExternalId"]]).to.deep.equal([TRUST.principalArn, TRUST.externalId]);
    });

    it("rejects the trust when the answer has no AWS principal for the account", async () => {
      mocks = ekmMocks({ calls: { [PLATFORM_TRUST_CALL]: () => ({ accountId: ACCOUNT, aws: null, azure: null }) } });
      await pulumi.runtime.setMocks(mocks, "onboarding", "test", false);
      const key = new ByokKey("prod", { accountId: ACCOUNT });
      const { error, message } = await outputFailure(key.trustPolicyDocument);
      expect(error).to.be.instanceOf(pulumi.ResourceError);
      expect((error as pulumi.ResourceError).hideStack, "the CLI prints the message, not the resource").to.equal(true);
      expect(message).to.equal(
        `the mocks (function ${PLATFORM_TRUST_CALL}) has no AWS principal for account ${ACCOUNT} (trust.aws is null): ask the platform operator to configure one, or pass trust: { principalArn, externalId }`,
      );
      expect((await rejection(waitForRegistrations())).message).to.equal(message);
    });

    it("reads GET /v1/accounts/{accountId}/key-management/trust from the platform outside mocks, with the token", async () => {
      const source = trustSource({ baseUrl: url(), token: TOKEN });
      expect(source.source).to.equal(`the platform at ${url()}`);
      expect(await source.read(ACCOUNT)).to.deep.equal(answer);
      expect(seen).to.deep.equal([{ url: `/v1/accounts/${ACCOUNT}/key-management/trust`, authorization: `Bearer ${TOKEN}` }]);
    });

    it("names a URL that answers HTML as a wrong platform URL, with the fix", async () => {
      html = true;
      const error = await rejection(trustSource({ baseUrl: url(), token: TOKEN }).read(ACCOUNT));
      expect(error.message).to.equal(
        `the platform URL ${url()} is wrong: the answer is not the platform's JSON (HTTP 200 OK with a text/html body that is not JSON: "<!doctype html><title>Acme intranet</title>"); ` +
          "set ekm:platformUrl (or EKM_PLATFORM_URL) to the platform's base URL, e.g. https://ekm.example.com, without /v1 or any API path",
      );
    });
  });
});
