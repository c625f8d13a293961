// The audit's Azure customer-key view against the Key Vault emulator process over real TLS, with
// the real Azure SDK: key attributes and rotation policy read with a reader principal that holds
// only read data actions, the posture rules judged on them, and a read the principal may not make
// reported as not read. Vault properties and role assignments are ARM reads the emulator does not
// serve (it is the data plane only): the view says so.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { KeyClient } from "@azure/keyvault-keys";
import { AZURE_ARM_NOT_READ, AZURE_READS, AzureReaders, readAzureLiveView } from "../../../audit/azure/liveView";
import { AuditError } from "../../../audit/errors";
import { azurePosture, coverage } from "../../../audit/rules/posture";
import { KEY_DATA_ACTIONS, startKeyVaultEmulator, type RunningEmulator } from "../../../testing/keyvault-emulator";
import { evidence } from "../../unit/audit/fixtures";

const TENANT = "7d0c3b4e-1f2a-4b5c-8d6e-9f0a1b2c3d4e";
const OWNER = { clientId: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", secret: "owner-secret-for-the-audit-test" };
const AUDITOR = { clientId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", secret: "auditor-secret-for-the-audit-test" };
const DAY_MS = 86_400_000;

describe("audit: the Azure customer-key view against the Key Vault emulator", function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let dataDir: string;
  let owner: KeyClient;
  let auditorId: string;

  const credential = (p: { clientId: string; secret: string }) =>
    new ClientSecretCredential(TENANT, p.clientId, p.secret, { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caPem }, retryOptions: { maxRetries: 0 } });
  // The loopback vault URL is not under vault.azure.net: the challenge's resource check must be off for it.
  const options = () => ({ tlsOptions: { ca: emu.caPem }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
  const ref = (keyName: string) => ({ vaultUrl: `${emu.url}/`, tenantId: TENANT, keyName });
  const azureEvidence = (keyName: string, live: Awaited<ReturnType<typeof readAzureLiveView>>) => {
    const base = evidence();
    const d = { ...base.declared[0]!, aws: undefined, config: { provider: "azure" as const, azure: ref(keyName) } };
    return { ev: { ...base, declared: [d], live, now: new Date().toISOString() }, d };
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "ekm-audit-kv-"));
    emu = await startKeyVaultEmulator({ dataDir, tenantId: TENANT });
    const ownerId = (await emu.admin.registerServicePrincipal({ tenantId: TENANT, ...OWNER })).objectId;
    auditorId = (await emu.admin.registerServicePrincipal({ tenantId: TENANT, ...AUDITOR })).objectId;
    await emu.admin.grant({ principalId: ownerId, vault: "default", actions: "*" });
    owner = new KeyClient(`${emu.url}/`, credential(OWNER), options());
  });
  after(async () => {
    await emu?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reads a healthy key and its rotation policy: no posture finding, the ARM reads named as not read", async () => {
    await emu.admin.grant({ principalId: auditorId, vault: "default", actions: [KEY_DATA_ACTIONS.read, KEY_DATA_ACTIONS.rotationPolicyRead] });
    const created = await owner.createRsaKey("healthy", { keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], expiresOn: new Date(Date.now() + 365 * DAY_MS) });
    await owner.updateKeyRotationPolicy("healthy", { expiresIn: "P1Y", lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P90D" }] });
    const readers = new AzureReaders(() => credential(AUDITOR), options());
    const live = await readAzureLiveView(readers, ref("healthy"));
    expect(live.key).to.deep.include({ id: created.id, enabled: true, keyType: "RSA", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], rotates: true, rotationPeriodDays: 90 });
    expect(live.notRead).to.deep.equal(AZURE_ARM_NOT_READ);
    const { ev, d } = azureEvidence("healthy", live);
    expect(azurePosture(ev, d)).to.deep.equal([]);
    expect(coverage(ev, d).map((f) => [f.ruleId, f.evidence.what])).to.deep.equal(AZURE_ARM_NOT_READ.map((n) => ["coverage.not-read", n.what]));
    expect([...readers.calls.entries()]).to.deep.equal([
      [AZURE_READS.getKey, 1],
      [AZURE_READS.getRotationPolicy, 1],
    ]);
  });

  it("judges a small, disabled, soon-expiring key without rotation; a denied read is reported, not passed", async () => {
    await owner.createRsaKey("weak", { keySize: 2048, expiresOn: new Date(Date.now() + 10 * DAY_MS) });
    await owner.updateKeyProperties("weak", { enabled: false });
    const live = await readAzureLiveView(new AzureReaders(() => credential(AUDITOR), options()), ref("weak"));
    expect(live.key).to.deep.include({ enabled: false, keySize: 2048, rotates: false });
    const { ev, d } = azureEvidence("weak", live);
    expect(azurePosture(ev, d).map((f) => f.ruleId)).to.deep.equal(["posture.key-disabled", "posture.key-expiring", "posture.key-rotation-off"]);

    await emu.admin.revoke({ principalId: auditorId, vault: "default", actions: [KEY_DATA_ACTIONS.rotationPolicyRead] });
    const denied = await readAzureLiveView(new AzureReaders(() => credential(AUDITOR), options()), ref("weak"));
    expect(denied.key).to.deep.include({ enabled: false, rotates: undefined });
    expect(denied.notRead.map((n) => n.what)).to.deep.equal([...AZURE_ARM_NOT_READ.map((n) => n.what), AZURE_READS.getRotationPolicy]);
    const gone = await readAzureLiveView(new AzureReaders(() => credential(AUDITOR), options()), ref("no-such-key"));
    expect([gone.key, gone.missing]).to.deep.equal([undefined, ["key"]]);
  });

  it("fails the audit, naming the fix, when the credentials are refused", async () => {
    const err = await readAzureLiveView(new AzureReaders(() => credential({ ...AUDITOR, secret: "not-the-secret" }), options()), ref("healthy")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AuditError);
    expect((err as AuditError).message).to.match(/^Azure refused the audit's credentials on keyvault:GetKey for https:\/\/127\.0\.0\.1:\d+\/ \(/);
    expect((err as AuditError).fix).to.equal("set the customer's credentials for DefaultAzureCredential (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or `az login`), or drop --customer-keys azure");
    expect((err as AuditError).message).to.not.include("not-the-secret");
  });
});
