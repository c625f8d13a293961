/**
 * The plugin's `construct` under Pulumi's mocks: `ekm:aws:ByokKey` and `ekm:azure:ByokKey` are
 * built by the same components a Node program uses, and hand back every output the schema
 * declares. (Deploying them needs the AWS / Azure Native provider plugins, which are not
 * installable here; the engine's side of construct is the Node provider host's.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ekmProvider } from "../../../provider/plugin";
import { TOKENS } from "../../../provider/tokens";
import { ekmMocks, outputValue, recorded, waitForRegistrations } from "../../../testing";
import { repoRoot } from "../../support/process";
import { rejection } from "../../support/rejection";

const SCHEMA = fs.readFileSync(path.join(repoRoot, "provider", "schema.json"), "utf8");
const outputsOf = (token: string) => Object.keys((JSON.parse(SCHEMA) as { resources: Record<string, { properties: object }> }).resources[token].properties);
const ACCOUNT = "acct-3f9a1c2b7d4e5f60";

describe("provider construct (mocks)", () => {
  let mocks: pulumi.runtime.Mocks;
  beforeEach(async () => {
    mocks = ekmMocks();
    await pulumi.runtime.setMocks(mocks, "plugin", "test", false);
  });
  const provider = () => ekmProvider({ version: "0.0.0", schema: SCHEMA }).provider;

  it("builds ekm:aws:ByokKey with its children and returns every output of the schema", async () => {
    const trust = { principalArn: "arn:aws:iam::999988887777:role/ekm-platform", externalId: "ekm-0123456789abcdef0123456789abcdef" };
    const result = await provider().construct!("prod", TOKENS.awsByokKey, { accountId: ACCOUNT, trust, key: { rotationPeriodInDays: 180 } }, {});
    await waitForRegistrations();
    expect(Object.keys(result.state).sort()).to.deep.equal(outputsOf(TOKENS.awsByokKey).sort());
    const config = (await outputValue(pulumi.output(result.state.byokConfig))) as { provider: string; aws: { keyArn: string; roleArn: string } };
    expect(config.provider).to.equal("aws");
    expect(config.aws.keyArn).to.equal(await outputValue(pulumi.output(result.state.keyArn)));
    const urn = await outputValue(pulumi.output(result.urn));
    expect(urn).to.match(/::ekm:aws:ByokKey::prod$/);
    const types = recorded(mocks).all.map((r) => r.type).sort();
    expect(types).to.deep.equal(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:kms/alias:Alias", "aws:kms/key:Key", "ekm:aws:ByokKey"]);
    const key = recorded(mocks).all.find((r) => r.type === "aws:kms/key:Key")!;
    expect(key.inputs.rotationPeriodInDays).to.equal(180);
  });

  it("builds ekm:azure:ByokKey and returns every output of the schema", async () => {
    const result = await provider().construct!(
      "kv",
      TOKENS.azureByokKey,
      { platformPrincipalId: "00000000-0000-0000-0000-0000000000aa", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", location: "westeurope", vault: { name: "ekm-kv-test" } },
      {},
    );
    await waitForRegistrations();
    expect(Object.keys(result.state).sort()).to.deep.equal(outputsOf(TOKENS.azureByokKey).sort());
    const config = (await outputValue(pulumi.output(result.state.byokConfig))) as { provider: string; azure: { keyName: string } };
    expect(config.provider).to.equal("azure");
    expect(recorded(mocks).all.map((r) => r.type)).to.include("azure-native:keyvault:Vault");
  });

  it("refuses a type the package does not have, and a custom resource's operation on a component's type", async () => {
    expect((await rejection(provider().construct!("x", "ekm:gcp:ByokKey", {}, {}))).message).to.match(/no component ekm:gcp:ByokKey; it has ekm:aws:ByokKey and ekm:azure:ByokKey/);
    expect((await rejection(provider().create!("urn:pulumi:s::p::ekm:aws:ByokKey::k", {}))).message).to.match(/no resource type ekm:aws:ByokKey/);
  });
});
