/**
 * pulumi-ekm/testing: the mocks fail loudly on unknown calls, answer the ByokConfiguration
 * resource as the platform would, record what they saw, and the output helpers behave.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { StoredByokConfiguration as ByokConfigurationSchema, Validation } from "../../../sdk/schemas";
import { ByokConfiguration } from "../../../dynamic-providers";
import { BYOK_CONFIGURATION_TYPE, ekmMocks, outputFailure, outputValue, recorded, waitForRegistrations, type EkmMocksOptions } from "../../../testing";
import { rejection } from "../../support/rejection";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const AWS_CONFIG = {
  provider: "aws",
  aws: { keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::111122223333:role/ekm-platform-access" },
};
const AZURE_CONFIG = { provider: "azure", azure: { vaultUrl: "https://contoso-byok.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "byok" } };

let mocks: pulumi.runtime.Mocks;

async function setup(options: EkmMocksOptions = {}, preview = false): Promise<void> {
  mocks = ekmMocks(options);
  await pulumi.runtime.setMocks(mocks, "onboarding", "test", preview);
}

/** Any custom resource, by type token (CustomResource itself is abstract). */
class Custom extends pulumi.CustomResource {
  declare readonly arn: pulumi.Output<string>;
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** A plain dynamic resource (no module or type). */
class Dynamic extends pulumi.dynamic.Resource {
  constructor(provider: pulumi.dynamic.ResourceProvider, name: string, props: pulumi.Inputs) {
    super(provider, name, props);
  }
}

/** A stand-in for the ByokConfiguration resource: same type token and inputs, no provider code. */
class FakeByokConfiguration extends pulumi.CustomResource {
  declare readonly status: pulumi.Output<string>;
  declare readonly effectiveKeySource: pulumi.Output<string>;
  declare readonly etag: pulumi.Output<string>;
  declare readonly validation: pulumi.Output<unknown>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;
  declare readonly config: pulumi.Output<unknown>;
  declare readonly fallback: pulumi.Output<unknown>;
  constructor(type: string, name: string, config: unknown, inputs: { nickname?: string; activationDate?: string } = {}) {
    super(type, name, {
      accountId: ACCOUNT,
      config,
      nickname: inputs.nickname ?? "Acme prod",
      // Before the mocks' default clock (2026-01-15): the key is active.
      activationDate: inputs.activationDate ?? "2026-01-01",
      status: undefined,
      effectiveKeySource: undefined,
      etag: undefined,
      validation: undefined,
      createdAt: undefined,
      updatedAt: undefined,
      fallback: undefined,
    });
  }
}

describe("ekmMocks", () => {
  beforeEach(() => setup());

  it("rejects a function call no component makes, naming the token", async () => {
    let error: unknown;
    await pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", { mostRecent: true }).catch((e) => (error = e));
    expect(String((error as Error)?.message)).to.contain(
      'ekmMocks: unexpected call to aws:ec2/getAmi:getAmi with {"mostRecent":true}: the pulumi-ekm components do not call it; if your program does, add it with ekmMocks({ calls: { "aws:ec2/getAmi:getAmi": (args) => ({ … }) } })',
    );
  });

  it("rejects an unexpected call when the mocks are called directly", () => {
    expect(() => ekmMocks().call({ token: "azure-native:storage:listStorageAccountKeys", inputs: {} })).to.throw(
      "ekmMocks: unexpected call to azure-native:storage:listStorageAccountKeys with {}",
    );
  });

  it("answers the calls the components and onboarding programs make", async () => {
    const identity = await pulumi.runtime.invoke("aws:index/getCallerIdentity:getCallerIdentity", {});
    expect(identity).to.include({ accountId: "111122223333", arn: "arn:aws:sts::111122223333:assumed-role/pulumi-deployer/session" });
    expect(await pulumi.runtime.invoke("aws:index/getPartition:getPartition", {})).to.include({ partition: "aws", dnsSuffix: "amazonaws.com" });
    expect(await pulumi.runtime.invoke("azure-native:authorization:getClientConfig", {})).to.include({
      subscriptionId: "5f3c1a2b-7d4e-4f60-9a1b-2c3d4e5f6a7b",
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    });
    const vault = await pulumi.runtime.invoke("azure-native:keyvault:getVault", { resourceGroupName: "rg-byok", vaultName: "contoso-byok" });
    expect(vault.id).to.equal("/subscriptions/5f3c1a2b-7d4e-4f60-9a1b-2c3d4e5f6a7b/resourceGroups/rg-byok/providers/Microsoft.KeyVault/vaults/contoso-byok");
    expect(vault.properties).to.include({ vaultUri: "https://contoso-byok.vault.azure.net/", enableRbacAuthorization: true, enablePurgeProtection: true });
  });

  it("finds a real ByokConfiguration by BYOK_CONFIGURATION_TYPE, the token the resource registers with", async () => {
    expect(BYOK_CONFIGURATION_TYPE).to.equal("pulumi-nodejs:dynamic/ekm:ByokConfiguration");
    // Before the mocks' clock (2026-01-15), so the registration is active.
    const resource = new ByokConfiguration("customer-byok", { accountId: ACCOUNT, config: { provider: "aws", aws: AWS_CONFIG.aws }, nickname: "prod", activationDate: "2026-01-01" });
    expect(await outputValue(resource.status)).to.equal("active");
    await waitForRegistrations();
    const registration = recorded(mocks).find(BYOK_CONFIGURATION_TYPE, "customer-byok");
    expect(registration.inputs).to.deep.include({ accountId: ACCOUNT, config: AWS_CONFIG, nickname: "prod", activationDate: "2026-01-01", adoptExisting: false });
    expect(registration.id).to.equal(ACCOUNT);
  });

  for (const type of [BYOK_CONFIGURATION_TYPE]) {
    it(`answers ${type} as the platform reports a registered AWS key: active, byok, an etag and passing checks`, async () => {
      const resource = new FakeByokConfiguration(type, "byok", AWS_CONFIG);
      expect(await outputValue(resource.status)).to.equal("active");
      expect(await outputValue(resource.effectiveKeySource)).to.equal("byok");
      expect(await outputValue(resource.etag)).to.match(/^"[0-9a-f]{16}"$/);
      const validation = Validation.parse(await outputValue(resource.validation));
      expect(validation.ok).to.equal(true);
      expect(validation.checks.map((c) => [c.name, c.status])).to.deep.equal([
        ["sts:AssumeRole", "ok"],
        ["kms:DescribeKey", "ok"],
        ["kms:GenerateDataKey", "ok"],
        ["kms:Decrypt", "ok"],
      ]);
      expect(await outputValue(resource.id)).to.equal(ACCOUNT);
      // The stored configuration as GET .../byok would return it.
      const state = recorded(mocks).find(type, "byok").state;
      const stored = { ...(state.config as object), nickname: state.nickname, activationDate: state.activationDate, status: state.status, keyVersionInUse: state.keyVersionInUse ?? null, validation: state.validation, etag: state.etag, createdAt: state.createdAt, updatedAt: state.updatedAt };
      expect(ByokConfigurationSchema.safeParse(stored).success).to.equal(true);
    });
  }

  it("reports pending-activation with platform-fallback and the platform's reason before the activation date", async () => {
    const resource = new FakeByokConfiguration(BYOK_CONFIGURATION_TYPE, "byok", AWS_CONFIG, { activationDate: "2026-12-01" });
    expect(await outputValue(resource.status)).to.equal("pending-activation");
    expect(await outputValue(resource.effectiveKeySource)).to.equal("platform-fallback");
    expect(await outputValue(resource.fallback)).to.deep.equal({
      reason: "activation date 2026-12-01 has not passed: new content uses the platform key until then",
      since: "2026-01-15T09:30:00.000Z",
    });
  });

  it("reports active once the mocks' clock passes the activation date", async () => {
    await setup({ now: () => new Date("2026-12-01T00:00:01Z") });
    const resource = new FakeByokConfiguration(BYOK_CONFIGURATION_TYPE, "byok", AWS_CONFIG, { activationDate: "2026-12-01" });
    expect([await outputValue(resource.status), await outputValue(resource.effectiveKeySource), await outputValue(resource.fallback)]).to.deep.equal(["active", "byok", null]);
  });

  it("rejects invalid inputs with the text pulumi preview prints, from outputFailure and waitForRegistrations alike", async () => {
    const resource = new FakeByokConfiguration(BYOK_CONFIGURATION_TYPE, "byok", AWS_CONFIG, { nickname: "n".repeat(100), activationDate: "2026-13-45" });
    const expected =
      `pulumi-nodejs:dynamic/ekm:ByokConfiguration resource 'byok': property nickname value {${"n".repeat(100)}} has a problem: must be 1-64 characters, got 100\n` +
      "pulumi-nodejs:dynamic/ekm:ByokConfiguration resource 'byok': property activationDate value {2026-13-45} has a problem: " +
      'must be an ISO-8601 date or date-time with a zone, e.g. "2026-12-01" or "2026-12-01T00:00:00Z"; 2026-13-45 is not a calendar day';
    expect((await outputFailure(resource.status)).message).to.equal(expected);
    expect((await rejection(waitForRegistrations())).message).to.equal(expected);
  });

  it("rejects a nested invalid input naming its path, never as value {<nil>}", async () => {
    const resource = new FakeByokConfiguration(BYOK_CONFIGURATION_TYPE, "byok", { provider: "aws", aws: { keyArn: AWS_CONFIG.aws.keyArn, roleArn: "ekm-platform-access" } });
    const { message } = await outputFailure(resource.status);
    expect(message).to.match(/^pulumi-nodejs:dynamic\/ekm:ByokConfiguration resource 'byok' has a problem: config\.aws\.roleArn must be an IAM role ARN .*; received "ekm-platform-access"$/);
    expect(message).not.to.contain("<nil>");
  });

  it("answers an Azure configuration with the Azure checks", async () => {
    const resource = new FakeByokConfiguration(BYOK_CONFIGURATION_TYPE, "byok", AZURE_CONFIG);
    const validation = Validation.parse(await outputValue(resource.validation));
    expect(validation.checks.map((c) => c.name)).to.deep.equal(["keyvault:GetKey", "keyvault:RecoveryLevel", "keyvault:WrapKey", "keyvault:UnwrapKey"]);
  });

  it("answers a plain dynamic resource that carries a key reference as a ByokConfiguration", async () => {
    const provider: pulumi.dynamic.ResourceProvider = { create: async (inputs) => ({ id: "unused", outs: inputs }) };
    const resource = new Dynamic(provider, "byok", { accountId: ACCOUNT, config: AWS_CONFIG, nickname: "Acme prod", activationDate: "2026-01-01", status: undefined });
    await waitForRegistrations();
    const record = recorded(mocks).find("pulumi-nodejs:dynamic:Resource", "byok");
    expect(record.state.status).to.equal("active");
    expect(await outputValue(resource.id)).to.equal(ACCOUNT);
  });

  it("reports a failing validation when the options give a failed check", async () => {
    await setup({ byok: { checks: [{ name: "kms:GenerateDataKey", status: "failed", message: "kms:GenerateDataKey denied for role …" }] } });
    const resource = new FakeByokConfiguration(BYOK_CONFIGURATION_TYPE, "byok", AWS_CONFIG);
    expect(await outputValue(resource.status)).to.equal("invalid");
    expect(await outputValue(resource.effectiveKeySource)).to.equal("platform-fallback");
  });

  it("echoes an unknown resource type's inputs by default", async () => {
    const bucket = new Custom("aws:s3/bucket:Bucket", "logs", { bucket: "acme-logs" });
    expect(await outputValue(bucket.id)).to.equal("logs-id");
    await waitForRegistrations();
    expect(recorded(mocks).find("aws:s3/bucket:Bucket", "logs").state).to.deep.equal({ bucket: "acme-logs" });
  });

  it('rejects an unknown resource type when unknownResources is "throw"', async () => {
    const strict = ekmMocks({ unknownResources: "throw" });
    let error: unknown;
    try {
      await strict.newResource({ type: "aws:s3/bucket:Bucket", name: "logs", inputs: {}, custom: true });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal(
      'ekmMocks: unexpected resource aws:s3/bucket:Bucket named "logs": add it with ekmMocks({ resources: { "aws:s3/bucket:Bucket": (args) => ({ id, state }) } })',
    );
  });

  it("lets callers add and replace resource and call mocks", async () => {
    await setup({
      calls: { "aws:ec2/getAmi:getAmi": () => ({ id: "ami-0123456789abcdef0" }) },
      resources: { "aws:kms/key:Key": ({ name }) => ({ id: `${name}-custom`, state: { arn: "arn:aws:kms:us-east-1:111122223333:key/custom" } }) },
    });
    expect(await pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", {})).to.deep.equal({ id: "ami-0123456789abcdef0" });
    const key = new Custom("aws:kms/key:Key", "k", { arn: undefined });
    expect(await outputValue(key.id)).to.equal("k-custom");
  });

  it("gives the same ids to the same names, so assertions and snapshots are stable", async () => {
    const first = await ekmMocks().newResource({ type: "aws:kms/key:Key", name: "prod-key", inputs: {}, custom: true });
    const second = await ekmMocks().newResource({ type: "aws:kms/key:Key", name: "prod-key", inputs: {}, custom: true });
    const other = await ekmMocks().newResource({ type: "aws:kms/key:Key", name: "dev-key", inputs: {}, custom: true });
    expect(first.id).to.equal(second.id);
    expect(first.id).to.not.equal(other.id);
    expect(first.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("rejects an auto-named vault whose name azure-native would refuse", async () => {
    let error: unknown;
    try {
      await ekmMocks().newResource({ type: "azure-native:keyvault:Vault", name: "acme-production-vault", inputs: { resourceGroupName: "rg" }, custom: true });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/^azure-native:keyvault:Vault resource 'acme-production-vault' has a problem: 'vaultName' does not match expression/);
  });
});

describe("recorded", () => {
  beforeEach(() => setup());

  it("finds resources by type and name, with their parent type and provider", async () => {
    const parent = new pulumi.ComponentResource("ekm:test:Parent", "p", {});
    new Custom("aws:iam/role:Role", "p-role", { name: "r" }, { parent });
    await waitForRegistrations();
    const role = recorded(mocks).find("aws:iam/role:Role", "p-role");
    expect([role.parentType, role.urn, role.inputs]).to.deep.equal(["ekm:test:Parent", "urn:pulumi:test::onboarding::ekm:test:Parent$aws:iam/role:Role::p-role", { name: "r" }]);
    expect(recorded(mocks).byType("ekm:test:Parent").map((r) => r.name)).to.deep.equal(["p"]);
  });

  it("rejects a lookup of a resource that was not registered, listing what was", async () => {
    new Custom("aws:iam/role:Role", "role", {});
    await waitForRegistrations();
    expect(() => recorded(mocks).find("aws:kms/key:Key", "key")).to.throw('no aws:kms/key:Key named "key" was registered; recorded: aws:iam/role:Role role');
  });

  it("rejects mocks it did not create", () => {
    expect(() => recorded({ call: () => ({}), newResource: () => ({ id: "x", state: {} }) })).to.throw("recorded(mocks): these mocks do not record; create them with ekmMocks()");
  });
});

describe("waiting helpers", () => {
  beforeEach(() => setup());

  it("reject within the bound, naming the registration still open, when an input never resolves", async () => {
    new Custom("aws:iam/role:Role", "stuck", { name: pulumi.output(new Promise<string>(() => undefined)) });
    const started = Date.now();
    const error = await rejection(waitForRegistrations({ timeoutMs: 200 }));
    expect(Date.now() - started).to.be.below(1_000);
    expect(error.message).to.equal(
      "waitForRegistrations: 1 registration did not finish within 200 ms: resource:stuck[aws:iam/role:Role] (waiting for its input name); " +
        "an input that never resolves (a promise that never settles, or resources that wait for each other) keeps a registration open",
    );
    const value = await rejection(outputValue(new Custom("aws:kms/key:Key", "k", { description: pulumi.output(new Promise<string>(() => undefined)), arn: undefined }).arn, { timeoutMs: 100 }));
    expect(value.message).to.match(/^outputValue: the output did not settle within 100 ms; still open: resource:stuck\[aws:iam\/role:Role\] \(waiting for its input name\), resource:k\[aws:kms\/key:Key\]/);
  });

  it("waitForRegistrations rejects with the message of a failed input, without the SDK's prefixes", async () => {
    const failing = pulumi.output("x").apply((): string => {
      throw new Error("policy must be valid JSON");
    });
    new Custom("aws:iam/rolePolicy:RolePolicy", "p", { policy: failing });
    expect((await rejection(waitForRegistrations())).message).to.equal("policy must be valid JSON");
  });
});

describe("outputValue", () => {
  it("resolves plain values and Outputs", async () => {
    await setup();
    expect(await outputValue("plain")).to.equal("plain");
    expect(await outputValue(pulumi.output({ a: pulumi.output(1) }))).to.deep.equal({ a: 1 });
  });

  it("rejects a value that is unknown during a preview", async () => {
    await setup({ resources: { "aws:kms/key:Key": () => ({ id: "", state: {} }) } }, true);
    const key = new Custom("aws:kms/key:Key", "k", { arn: undefined });
    let error: unknown;
    await outputValue(key.arn).catch((e) => (error = e));
    expect((error as Error).message).to.equal(
      "outputValue: the output is unknown (a value computed by a resource during preview); run the mocks with preview = false to see it",
    );
  });
});
