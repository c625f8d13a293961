// The real Azure SDK against the emulator process over real TLS: ClientSecretCredential (authority
// host = the emulator, instance discovery off) → KeyClient and CryptographyClient, trusting the
// emulator's CA explicitly. Create, get, rotate, wrap and unwrap (RSA-OAEP-256, remote), and the
// refusals the platform classifies, as the SDK surfaces them.
import { expect } from "chai";
import { Agent } from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { KEY_DATA_ACTIONS, startKeyVaultEmulator, type RunningEmulator } from "../../../testing/keyvault-emulator";

const TENANT = "7d0c3b4e-1f2a-4b5c-8d6e-9f0a1b2c3d4e";
const CLIENT_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const SECRET = "emulator-test-client-secret";

async function rejection(p: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string; details?: { error?: { innerError?: { code?: string } } } }> {
  try {
    await p;
  } catch (err) {
    return err as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
}

describe("Key Vault emulator with the real Azure SDK over TLS", function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let dataDir: string;
  let objectId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kv-sdk-"));
    emu = await startKeyVaultEmulator({ dataDir, tenantId: TENANT, hostAliases: ["contoso.vault.azure.net"] });
    objectId = (await emu.admin.registerServicePrincipal({ tenantId: TENANT, clientId: CLIENT_ID, secret: SECRET })).objectId;
  });
  after(async () => {
    await emu?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const credential = (secret = SECRET) =>
    new ClientSecretCredential(TENANT, CLIENT_ID, secret, { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caPem }, retryOptions: { maxRetries: 0 } });
  // The loopback vault URL is not under vault.azure.net: the challenge's resource check must be off for it.
  const loopbackOptions = () => ({ tlsOptions: { ca: emu.caPem }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });

  it("creates, gets, rotates, wraps and unwraps through ClientSecretCredential, KeyClient and CryptographyClient", async () => {
    await emu.admin.grant({ principalId: objectId, vault: "default", actions: "*" });
    const cred = credential();
    const keys = new KeyClient(`${emu.url}/`, cred, loopbackOptions());
    const created = await keys.createRsaKey("platform-kek", { keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], tags: { team: "payments" } });
    expect(created.keyType).to.equal("RSA");
    expect(created.keyOperations).to.deep.equal(["wrapKey", "unwrapKey"]);
    expect(created.key?.n?.length).to.equal(384);
    expect(created.properties.recoveryLevel).to.equal("Recoverable");
    expect(created.id).to.equal(`${emu.url}/keys/platform-kek/${created.properties.version}`);

    const fetched = await keys.getKey("platform-kek");
    expect(fetched.properties.version).to.equal(created.properties.version);
    const rotated = await keys.rotateKey("platform-kek");
    expect(rotated.properties.version).to.not.equal(created.properties.version);
    expect((await keys.getKey("platform-kek")).properties.version).to.equal(rotated.properties.version);
    expect((await keys.getKey("platform-kek", { version: created.properties.version })).properties.version).to.equal(created.properties.version);
    const versions: string[] = [];
    for await (const p of keys.listPropertiesOfKeyVersions("platform-kek")) versions.push(p.version!);
    expect(versions).to.deep.equal([created.properties.version, rotated.properties.version]);

    const dataKey = Buffer.alloc(32, 7);
    const oldCrypto = new CryptographyClient(created.id!, cred, loopbackOptions());
    const wrapped = await oldCrypto.wrapKey("RSA-OAEP-256", dataKey);
    expect(wrapped.keyID).to.equal(created.id);
    expect(wrapped.result.length).to.equal(384);
    // A data key wrapped under the old version still unwraps after rotation.
    expect(Buffer.from((await oldCrypto.unwrapKey("RSA-OAEP-256", wrapped.result)).result)).to.deep.equal(dataKey);
    const log = await emu.admin.requests();
    expect(log.filter((r) => r.area === "vault" && /\/wrapkey$/i.test(r.path) && r.status === 200)).to.have.length(1);
    expect(log.some((r) => r.area === "entra" && r.path === `/${TENANT}/oauth2/v2.0/token` && r.status === 200)).to.equal(true);
    expect(log.some((r) => r.path.includes("discovery/instance"))).to.equal(false);
  });

  it("reaches a vault by its vault.azure.net name (resource check on) when the name resolves to the emulator", async () => {
    await emu.admin.grant({ principalId: objectId, vault: "contoso", actions: [KEY_DATA_ACTIONS.create, KEY_DATA_ACTIONS.read] });
    // Resolves every name to 127.0.0.1, as a hosts-file entry would; TLS still checks the certificate's names.
    const agent = new Agent({ ca: emu.caPem, lookup: (_h, o, cb) => (o.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) });
    const keys = new KeyClient(`https://contoso.vault.azure.net:${emu.port}/`, credential(), { agent, retryOptions: { maxRetries: 0 } });
    const k = await keys.createEcKey("signing", { curve: "P-384" });
    expect(k.id).to.match(new RegExp(`^https://contoso\\.vault\\.azure\\.net:${emu.port}/keys/signing/[0-9a-f]{32}$`));
    expect(k.key?.crv).to.equal("P-384");
    agent.destroy();
  });

  it("surfaces each refusal with the status and codes Key Vault uses", async () => {
    const cred = credential();
    const keys = new KeyClient(`${emu.url}/`, cred, loopbackOptions());
    await emu.admin.createKey("default", "refusals", { kty: "RSA", key_ops: ["wrapKey", "unwrapKey"] });
    const kid = `${emu.url}/keys/refusals`;
    const crypto = () => new CryptographyClient(kid, cred, loopbackOptions());
    const wrapped = (await crypto().wrapKey("RSA-OAEP-256", Buffer.alloc(32, 1))).result;

    await emu.admin.updateKey("default", "refusals", { enabled: false });
    const disabled = await rejection(crypto().unwrapKey("RSA-OAEP-256", wrapped));
    expect([disabled.statusCode, disabled.code, disabled.details?.error?.innerError?.code]).to.deep.equal([403, "Forbidden", "KeyDisabled"]);
    expect(disabled.message).to.equal("Operation unwrapKey is not allowed on a disabled key.");
    // A disabled key still answers GET (recorded) and still wraps (reported from a live vault).
    expect((await keys.getKey("refusals")).properties.enabled).to.equal(false);
    // Without keys/read the SDK cannot fetch the key, so it checks nothing locally and asks the vault.
    await emu.admin.revoke({ principalId: objectId, vault: "default", actions: [KEY_DATA_ACTIONS.read] });
    await emu.admin.updateKey("default", "refusals", { enabled: true, exp: Math.floor(Date.now() / 1000) - 60 });
    const expired = await rejection(crypto().wrapKey("RSA-OAEP-256", Buffer.alloc(32, 1)));
    expect([expired.statusCode, expired.details?.error?.innerError?.code]).to.deep.equal([403, "KeyExpired"]);
    // Outside the window unwrap still works (Microsoft's date-time controlled operations).
    expect(Buffer.from((await crypto().unwrapKey("RSA-OAEP-256", wrapped)).result)).to.deep.equal(Buffer.alloc(32, 1));
    await emu.admin.updateKey("default", "refusals", { exp: null, nbf: Math.floor(Date.now() / 1000) + 3600 });
    const early = await rejection(crypto().wrapKey("RSA-OAEP-256", Buffer.alloc(32, 1)));
    expect([early.statusCode, early.details?.error?.innerError?.code]).to.deep.equal([403, "KeyNotYetValid"]);
    await emu.admin.updateKey("default", "refusals", { nbf: null, keyOps: ["unwrapKey"] });
    const noOp = await rejection(crypto().wrapKey("RSA-OAEP-256", Buffer.alloc(32, 1)));
    expect([noOp.statusCode, noOp.details?.error?.innerError?.code]).to.deep.equal([403, "KeyOperationForbidden"]);

    await emu.admin.createKey("default", "ec-key", { kty: "EC", key_ops: ["wrapKey", "unwrapKey", "sign"] });
    const ec = await rejection(new CryptographyClient(`${emu.url}/keys/ec-key`, cred, loopbackOptions()).wrapKey("RSA-OAEP-256", Buffer.alloc(32, 1)));
    expect([ec.statusCode, ec.code]).to.deep.equal([400, "BadParameter"]);

    await emu.admin.revoke({ principalId: objectId, vault: "default", actions: [KEY_DATA_ACTIONS.wrap] });
    await emu.admin.updateKey("default", "refusals", { keyOps: ["wrapKey", "unwrapKey"] });
    const rbac = await rejection(crypto().wrapKey("RSA-OAEP-256", Buffer.alloc(32, 1)));
    expect([rbac.statusCode, rbac.code, rbac.details?.error?.innerError?.code]).to.deep.equal([403, "Forbidden", "ForbiddenByRbac"]);
    expect(rbac.message).to.contain(`Caller: appid=${CLIENT_ID};oid=${objectId};iss=https://sts.windows.net/${TENANT}/`);
    expect(rbac.message).to.contain("Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'");
    expect(rbac.message).to.contain("Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/microsoft.keyvault/vaults/default/keys/refusals'");

    await emu.admin.grant({ principalId: objectId, vault: "default", actions: [KEY_DATA_ACTIONS.read] });
    const missing = await rejection(keys.getKey("refusals", { version: "0123456789abcdef0123456789abcdef" }));
    expect([missing.statusCode, missing.code]).to.deep.equal([404, "KeyNotFound"]);
    const missingKey = await rejection(crypto().unwrapKey("RSA-OAEP-256", wrapped).then(() => new CryptographyClient(`${emu.url}/keys/nope`, cred, loopbackOptions()).unwrapKey("RSA-OAEP-256", wrapped)));
    expect([missingKey.statusCode, missingKey.code]).to.deep.equal([404, "KeyNotFound"]);
  });

  it("refuses a wrong client secret at the token endpoint with Entra's error", async () => {
    const keys = new KeyClient(`${emu.url}/`, credential("not-the-secret"), loopbackOptions());
    const err = await rejection(keys.getKey("platform-kek"));
    expect(err.message).to.contain("AADSTS7000215: Invalid client secret provided.");
    expect(err.message).to.not.contain("not-the-secret");
  });
});
