/**
 * Unit test of the program in index.ts, run with mocks: no Azure, no platform, no Pulumi CLI.
 * `npx mocha -r tsx/cjs examples/register-existing-azure-key/index.test.ts`
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ByokConfiguration } from "pulumi-ekm";
import { ekmMocks, outputValue, recorded, waitForRegistrations, BYOK_CONFIGURATION_TYPE } from "pulumi-ekm/testing";

const ACCOUNT = "acct-3f9a1c2b7d4e5f60";
const KEY = { vaultUrl: "https://fabrikam-byok.vault.azure.net/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "platform-kek" };

describe("register an existing Azure key (examples/register-existing-azure-key)", () => {
  let mocks: pulumi.runtime.Mocks;
  let program: typeof import("./index");

  before(async () => {
    // Stack config as `pulumi config set` would give it: no keyVersion, so the key is versionless.
    pulumi.runtime.setAllConfig({
      "register-existing-azure-key:accountId": ACCOUNT,
      "register-existing-azure-key:vaultUrl": KEY.vaultUrl,
      "register-existing-azure-key:tenantId": KEY.tenantId,
      "register-existing-azure-key:keyName": KEY.keyName,
      "register-existing-azure-key:activationDate": "2026-01-01",
    });
    mocks = ekmMocks();
    await pulumi.runtime.setMocks(mocks, "register-existing-azure-key", "test", false);
    program = require("./index") as typeof import("./index");
    await waitForRegistrations();
  });

  after(() => pulumi.runtime.setAllConfig({}));

  it("registers the versionless key (no keyVersion: the platform follows rotation), which the platform reports active", async () => {
    const registration = recorded(mocks).find(BYOK_CONFIGURATION_TYPE, "byok");
    expect(registration.inputs.config).to.deep.equal({ provider: "azure", azure: KEY });
    expect(registration.inputs).to.include({ accountId: ACCOUNT, nickname: "Production BYOK key", activationDate: "2026-01-01", adoptExisting: false, forceRevertOnDelete: false });
    expect(await outputValue(program.status)).to.equal("active");
    expect(await outputValue(program.effectiveKeySource)).to.equal("byok");
    expect(await outputValue(program.checks)).to.deep.equal(["keyvault:GetKey: ok", "keyvault:RecoveryLevel: ok", "keyvault:WrapKey: ok", "keyvault:UnwrapKey: ok"]);
  });

  // Last: once a registration has failed, waitForRegistrations() keeps rejecting in this process.
  it("fails the registrations with a message naming the field when the key version is not 32 hex characters", async () => {
    new ByokConfiguration("short-version", { accountId: ACCOUNT, config: { provider: "azure", azure: { ...KEY, keyVersion: "v2" } }, nickname: "pinned", activationDate: "2026-01-01" });
    await assert.rejects(waitForRegistrations(), {
      message: `${BYOK_CONFIGURATION_TYPE} resource 'short-version' has a problem: config.azure.keyVersion must be a Key Vault key version (32 hexadecimal characters), or be omitted to follow the newest version; received "v2"`,
    });
  });
});
