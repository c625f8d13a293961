/**
 * Unit test of the Azure program in index.ts, run with mocks: no Azure subscription, no
 * platform, no Pulumi CLI. `npx mocha -r tsx/cjs examples/azure-byok/index.test.ts`
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ByokConfiguration } from "pulumi-ekm";
import { ByokKey } from "pulumi-ekm/components/azure";
import { ekmMocks, outputValue, recorded, waitForRegistrations, BYOK_CONFIGURATION_TYPE } from "pulumi-ekm/testing";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const PLATFORM_PRINCIPAL = "0b6a4c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b";

describe("Azure program (examples/azure-byok)", () => {
  let mocks: pulumi.runtime.Mocks;
  let program: typeof import("./index");

  before(async () => {
    // Stack config as `pulumi config set` would give it, then the mocks, then the program.
    pulumi.runtime.setAllConfig({
      "azure-byok:accountId": ACCOUNT,
      "azure-byok:platformPrincipalId": PLATFORM_PRINCIPAL,
      "azure-byok:vaultName": "contoso-byok",
    });
    mocks = ekmMocks();
    await pulumi.runtime.setMocks(mocks, "azure-byok", "test", false);
    program = require("./index") as typeof import("./index");
    await waitForRegistrations();
  });

  after(() => pulumi.runtime.setAllConfig({}));

  it("registers the versionless key of the new vault with the platform, which reports it active", async () => {
    expect(await outputValue(program.status)).to.equal("active");
    expect(await outputValue(program.vaultUrl)).to.equal("https://contoso-byok.vault.azure.net/");
    const registration = recorded(mocks).find(BYOK_CONFIGURATION_TYPE, "byok");
    expect(registration.inputs.config).to.deep.include({ provider: "azure" });
    expect((registration.inputs.config as { azure: Record<string, unknown> }).azure).to.not.have.property("keyVersion");
  });

  it("assigns the platform's service principal a role on the key only", async () => {
    const assignment = recorded(mocks).find("azure-native:authorization:RoleAssignment", "customer-assignment");
    expect(assignment.inputs).to.include({ principalId: PLATFORM_PRINCIPAL, principalType: "ServicePrincipal" });
    expect(assignment.inputs.scope).to.match(/\/providers\/Microsoft\.KeyVault\/vaults\/contoso-byok\/keys\/[^/]+$/);
  });

  it("refuses an invalid argument before creating anything, naming the argument, the value and the fix", () => {
    expect(() => new ByokKey("slow", { platformPrincipalId: PLATFORM_PRINCIPAL, key: { rotateAfter: "90 days" } }))
      .to.throw()
      .with.property("message", 'key.rotateAfter must be an ISO-8601 duration in years, months, weeks or days, e.g. "P90D"; received "90 days"');
  });

  // Last: once a registration has failed, waitForRegistrations() keeps rejecting in this process.
  it("fails the registrations with the message when an input is invalid", async () => {
    const key = new ByokKey("second", { platformPrincipalId: PLATFORM_PRINCIPAL });
    new ByokConfiguration("too-long-nickname", { accountId: ACCOUNT, config: key.byokConfig, nickname: "x".repeat(100), activationDate: "2026-12-01" });
    await assert.rejects(waitForRegistrations(), /nickname/);
  });
});
