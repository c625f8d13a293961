/**
 * Unit test of the onboarding program in index.ts, run with mocks: no AWS account, no
 * platform, no Pulumi CLI. `npx mocha -r tsx/cjs examples/testing-with-mocks/index.test.ts`
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ByokConfiguration } from "pulumi-ekm";
import { ByokKey } from "pulumi-ekm/components/aws";
import { ekmMocks, outputValue, recorded, waitForRegistrations, BYOK_CONFIGURATION_TYPE } from "pulumi-ekm/testing";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const TRUST = { principalArn: "arn:aws:iam::999988887777:role/ekm-platform", externalId: "ekm-0123456789abcdef0123456789abcdef" };

describe("onboarding program (examples/testing-with-mocks)", () => {
  let mocks: pulumi.runtime.Mocks;
  let program: typeof import("./index");

  before(async () => {
    // 1. Stack config, as `pulumi config set` would give it.
    pulumi.runtime.setAllConfig({
      "testing-with-mocks:accountId": ACCOUNT,
      "testing-with-mocks:activationDate": "2026-12-01",
      "testing-with-mocks:awsTrust": JSON.stringify(TRUST),
    });
    // 2. Mocks first, then load the program: it creates its resources when it is imported.
    mocks = ekmMocks({ aws: { accountId: "123456789012", region: "eu-west-1" } });
    await pulumi.runtime.setMocks(mocks, "testing-with-mocks", "test", false);
    program = require("./index") as typeof import("./index");
    // 3. Wait until every resource is registered before asserting on them.
    await waitForRegistrations();
  });

  after(() => pulumi.runtime.setAllConfig({}));

  it("registers the customer's key with the platform, which keeps the platform key until the activation date", async () => {
    // The mocks' clock (2026-01-15 unless ekmMocks({ now }) says otherwise) is before 2026-12-01.
    expect(await outputValue(program.status)).to.equal("pending-activation");
    expect(await outputValue(program.effectiveKeySource)).to.equal("platform-fallback");
    const registration = recorded(mocks).find(BYOK_CONFIGURATION_TYPE, "customer-byok");
    expect(registration.inputs.config).to.deep.equal({ provider: "aws", aws: { keyArn: await outputValue(program.keyArn), roleArn: await outputValue(program.roleArn) } });
    expect(registration.inputs).to.include({ accountId: ACCOUNT, nickname: "Production BYOK key", activationDate: "2026-12-01" });
  });

  it("creates a rotating key in the customer's account and region", async () => {
    expect(await outputValue(program.keyArn)).to.match(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
    const key = recorded(mocks).find("aws:kms/key:Key", "customer-key");
    expect(key.inputs).to.include({ enableKeyRotation: true, rotationPeriodInDays: 90, customerMasterKeySpec: "SYMMETRIC_DEFAULT" });
    expect(key.inputs.tags).to.deep.equal({ "ekm:account": ACCOUNT });
  });

  it("lets only the platform assume the role, with the account's external ID", async () => {
    const role = recorded(mocks).find("aws:iam/role:Role", "customer-role");
    expect(await outputValue(program.roleArn)).to.match(/^arn:aws:iam::123456789012:role\/ekm\/customer-role-[0-9a-f]{7}$/);
    const [statement] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
    expect(statement.Principal).to.deep.equal({ AWS: TRUST.principalArn });
    expect(statement.Condition).to.deep.equal({ StringEquals: { "sts:ExternalId": TRUST.externalId } });
  });

  it("gives the role the least-privilege policy: only this key, only with the account as encryption context", async () => {
    const policy = JSON.parse(recorded(mocks).find("aws:iam/rolePolicy:RolePolicy", "customer-policy").inputs.policy as string);
    const keyArn = await outputValue(program.keyArn);
    expect(policy.Statement.map((s: { Resource: string }) => s.Resource)).to.deep.equal([keyArn, keyArn]);
    expect(policy.Statement[1].Condition).to.deep.equal({ StringEquals: { "kms:EncryptionContext:tenant_id": ACCOUNT } });
  });

  it("refuses an invalid argument before creating anything, naming the argument, the value and the range", () => {
    expect(() => new ByokKey("short-rotation", { accountId: ACCOUNT, trust: TRUST, key: { rotationPeriodInDays: 30 } }))
      .to.throw()
      .with.property("message", "key.rotationPeriodInDays must be an integer from 90 to 2560 (KMS rotation period; 90 matches the platform's own rotation); received 30");
  });

  // Last: once a registration has failed, waitForRegistrations() keeps rejecting in this process.
  it("fails the registrations with the message when an input is invalid", async () => {
    new ByokConfiguration("too-long-nickname", { accountId: ACCOUNT, config: program.byokConfig, nickname: "x".repeat(100), activationDate: "2026-12-01" });
    await assert.rejects(waitForRegistrations(), /nickname/);
  });
});
