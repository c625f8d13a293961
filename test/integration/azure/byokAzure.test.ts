// BYOK on Azure Key Vault in the platform, against the Key Vault emulator PROCESS over real TLS
// (testing/keyvault-emulator). The platform runs its production Azure path unchanged
// (ClientSecretCredential → KeyClient / CryptographyClient → Node's HTTPS client); only the three
// test overrides point it at the emulator: the Entra authority, the vault host's address
// (https://contoso-byok.vault.azure.net/ connects to 127.0.0.1:<port>, the certificate still
// checked for that name) and the emulator's CA.
import { expect } from "chai";
import { KEY_VAULT_DATA_ACTIONS } from "../../../sdk/contract";
import { PlatformError, type PlatformClient } from "../../../sdk";
import { DAY_MS, ManualClock, defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../../platform";
import { startAzureCustomer, type AzureCustomer } from "../../support/azureCustomer";
import { raw, startTestPlatform, type TestPlatform } from "../../support/platform";
import { rejection } from "../../support/rejection";
import { expectRejectedRegistration } from "../../support/byokAssertions";

const MAX_AGE = 60_000;
const failure = (p: Promise<unknown>) => rejection<PlatformError>(p);
const text = (b64: string) => Buffer.from(b64, "base64").toString();
const eventTypes = async (client: PlatformClient, accountId: string) => (await client.listEvents(accountId, { limit: 500 })).events.map((e) => e.type);

describe("platform: BYOK on Azure Key Vault (the Key Vault emulator process over TLS)", function () {
  this.timeout(120_000);
  let customer: AzureCustomer;
  let tp: TestPlatform;
  const clock = new ManualClock(Date.now());
  const calls: string[] = [];
  let keys = 0;

  before(async () => {
    customer = await startAzureCustomer();
    const settings: PlatformSettings = {
      ...defaultSettings({}),
      ...customer.platformSettings(),
      byokCache: { maxAgeMs: MAX_AGE, maxMessages: 100, maxEntries: 1000 },
      recheck: { baseMs: 1_000, maxMs: 8_000 },
      rewrapBatchSize: 3,
    };
    tp = await startTestPlatform({
      clock,
      settings,
      maintenanceIntervalMs: 3_600_000,
      // Only a call counter beside the production factory: credential, HTTP client and agent are the production ones.
      customerKeys: defaultCustomerKeys(settings, { azure: { onCall: (op) => void calls.push(op), timeoutMs: 3000 } }),
    });
  });
  after(async () => {
    await tp?.close();
    await customer?.stop();
  });
  beforeEach(() => (calls.length = 0));

  /** A new account and a new key in the emulator's vault (the platform's actions granted unless `actions` says otherwise). */
  async function onboard(spec: Parameters<AzureCustomer["createKey"]>[1] = {}, actions?: Parameters<AzureCustomer["createKey"]>[2]) {
    const { accountId, client } = await tp.newAccount();
    const keyName = `ekm-key-${++keys}`;
    const version = await customer.createKey(keyName, spec, actions);
    const request = customer.byokRequest({ keyName, activationDate: new Date(clock.now() - DAY_MS).toISOString(), nickname: "azure key" });
    return { accountId, client, keyName, version, request };
  }
  /** The emulator's log of vault requests for one key: `METHOD path status`. */
  const vaultLog = async (keyName: string) =>
    (await customer.admin.requests()).filter((r) => r.area === "vault" && r.path.startsWith(`/keys/${keyName}`)).map((r) => `${r.method} ${r.path} ${r.status}`);

  it("announces each test override at start, and shows the platform's application ID in the trust document", async () => {
    const warnings = tp.logs.map((l) => JSON.parse(l) as { level: string; message: string }).filter((l) => l.message.startsWith("!!! TEST OVERRIDE"));
    expect(warnings.map((w) => [w.level, w.message.split(" ").slice(0, 4).join(" ")])).to.deep.equal([
      ["warn", "!!! TEST OVERRIDE --azure-authority-host"],
      ["warn", "!!! TEST OVERRIDE --vault-endpoint-override"],
      ["warn", "!!! TEST OVERRIDE --azure-ca-file"],
    ]);
    const { accountId, client } = await tp.newAccount();
    expect((await client.getTrust(accountId)).azure).to.deep.equal({ applicationId: customer.clientId });
  });

  it("registers a versionless key: four checks, active, keyVersionInUse, and content wrapped by its exact version (byok-azure)", async () => {
    const { accountId, client, keyName, version, request } = await onboard();
    const config = await client.putByok(accountId, request);
    expect(config).to.deep.include({ provider: "azure", status: "active", nickname: "azure key", keyVersionInUse: version });
    expect(config.validation.checks.map((c) => [c.name, c.status])).to.deep.equal([
      ["keyvault:GetKey", "ok"],
      ["keyvault:RecoveryLevel", "ok"],
      ["keyvault:WrapKey", "ok"],
      ["keyvault:UnwrapKey", "ok"],
    ]);
    expect(config.validation.checks[0].message).to.equal(
      `key ${customer.vaultUrl}keys/${keyName}/${version} is enabled, RSA 3072-bit, key operations wrapKey, unwrapKey, encrypt, decrypt; no expiry; versionless: new data keys use its current version ${version}`,
    );
    expect(config.validation.checks[1].message).to.equal("soft delete and purge protection are on (recoveryLevel Recoverable, deleted keys kept 90 days)");
    expect(await client.getKeyManagement(accountId)).to.deep.include({ mode: "byok", effectiveKeySource: "byok", fallback: null });

    const ct = await client.encryptContent(accountId, "wrapped in Key Vault");
    expect(ct).to.deep.include({ keySource: "byok-azure", keyVersion: version });
    tp.running.platform.envelope.forget(accountId);
    const pt = await client.decryptContent(accountId, ct.ciphertext);
    expect(text(pt.plaintext)).to.equal("wrapped in Key Vault");
    expect(pt).to.deep.include({ keySource: "byok-azure", keyVersion: version });
    // The emulator saw it: the real vault host's requests, the versioned key in each wrap and unwrap.
    const log = await vaultLog(keyName);
    expect(log).to.include(`POST /keys/${keyName}/${version}/wrapkey 200`);
    expect(log).to.include(`POST /keys/${keyName}/${version}/unwrapkey 200`);
    expect(log.filter((l) => l === `GET /keys/${keyName}/ 200` || l === `GET /keys/${keyName} 200`)).to.have.length(2);
    expect(await eventTypes(client, accountId)).to.deep.equal(["account.created", "platform-key.created", "byok.validated", "byok.configured", "byok.activated"]);
  });

  it("follows a rotation when versionless, keeps a pinned version, and still decrypts content from before", async () => {
    const { accountId, client, keyName, version, request } = await onboard();
    const pinned = await tp.newAccount();
    const pinnedRequest = customer.byokRequest({ keyName, pin: version, activationDate: request.activationDate });
    await client.putByok(accountId, request);
    expect((await pinned.client.putByok(pinned.accountId, pinnedRequest)).keyVersionInUse).to.equal(version);
    const before = await client.encryptContent(accountId, "before rotation");
    const pinnedBefore = await pinned.client.encryptContent(pinned.accountId, "pinned before");
    expect([before.keyVersion, pinnedBefore.keyVersion]).to.deep.equal([version, version]);

    const version2 = await customer.rotate(keyName);
    expect(version2).to.not.equal(version);
    clock.advance(MAX_AGE); // cached data keys age out; the next ones are wrapped by the version in use
    const after = await client.encryptContent(accountId, "after rotation");
    expect(after).to.deep.include({ keySource: "byok-azure", keyVersion: version2 });
    expect((await client.getByok(accountId))!.keyVersionInUse).to.equal(version2);
    const pinnedAfter = await pinned.client.encryptContent(pinned.accountId, "pinned after");
    expect(pinnedAfter).to.deep.include({ keySource: "byok-azure", keyVersion: version });
    expect((await pinned.client.getByok(pinned.accountId))!.keyVersionInUse).to.equal(version);

    tp.running.platform.envelope.forget(accountId);
    await customer.admin.clearRequests();
    const old = await client.decryptContent(accountId, before.ciphertext);
    expect([text(old.plaintext), old.keyVersion]).to.deep.equal(["before rotation", version]);
    expect(await vaultLog(keyName)).to.deep.equal([`POST /keys/${keyName}/${version}/unwrapkey 200`]);
    expect((await client.decryptContent(accountId, after.ciphertext)).keyVersion).to.equal(version2);
    expect(text((await pinned.client.decryptContent(pinned.accountId, pinnedAfter.ciphertext)).plaintext)).to.equal("pinned after");
  });

  it("makes one GetKey and one WrapKey per 100 messages (the cache bounds)", async () => {
    const { accountId, client, request } = await onboard();
    await client.putByok(accountId, request);
    calls.length = 0;
    for (let i = 0; i < 300; i++) await tp.running.platform.envelope.encrypt(accountId, Buffer.from(`m${i}`));
    expect(calls.filter((c) => c === "WrapKey")).to.have.length(3);
    expect(calls.filter((c) => c === "GetKey")).to.have.length(3);
  });

  describe("refuses a key that fails validation with 422, naming the check, storing nothing", () => {
    const past = () => Math.floor(Date.now() / 1000) - 3600;
    const cases: [string, Parameters<AzureCustomer["createKey"]>[1], Parameters<AzureCustomer["createKey"]>[2], ((name: string) => Promise<unknown>) | undefined, string, RegExp][] = [
      ["a disabled key", {}, undefined, (name) => customer.admin.updateKey(customer.vaultName, name, { enabled: false }), "keyvault:GetKey", /is disabled — enable it: az keyvault key set-attributes/],
      ["an expired key", {}, undefined, (name) => customer.admin.updateKey(customer.vaultName, name, { exp: past() }), "keyvault:GetKey", /expired on .* — Key Vault wraps no new keys with it/],
      ["an EC key", { kty: "EC", crv: "P-256", key_size: undefined, key_ops: ["sign", "verify"] }, undefined, undefined, "keyvault:GetKey", /has key type EC — the platform needs an RSA or RSA-HSM key/],
      ["a key without wrapKey", { key_ops: ["unwrapKey", "decrypt"] }, undefined, undefined, "keyvault:GetKey", /does not allow wrapKey \(its key operations are unwrapKey, decrypt\)/],
      [
        "a principal without the wrap data action",
        {},
        [KEY_VAULT_DATA_ACTIONS.read, KEY_VAULT_DATA_ACTIONS.unwrap],
        undefined,
        "keyvault:WrapKey",
        /lacks Microsoft\.KeyVault\/vaults\/keys\/wrap\/action — assign its service principal .* "Key Vault Crypto Service Encryption User"/,
      ],
      ["a principal without the read data action", {}, [KEY_VAULT_DATA_ACTIONS.wrap, KEY_VAULT_DATA_ACTIONS.unwrap], undefined, "keyvault:GetKey", /lacks Microsoft\.KeyVault\/vaults\/keys\/read/],
    ];
    for (const [what, spec, actions, spoil, check, message] of cases) {
      it(`rejects ${what} at ${check}`, async () => {
        const { accountId, client, keyName, request } = await onboard(spec, actions);
        await spoil?.(keyName);
        await expectRejectedRegistration(client, accountId, request, check, message);
        // The vault really answered (the refusal is the emulator's or read from its answer).
        expect((await vaultLog(keyName)).length).to.be.greaterThan(0);
      });
    }

    for (const [what, vaultUrl] of [
      ["a Key Vault host without an endpoint override (test mode calls only the configured vaults)", "https://other-vault.vault.azure.net/"],
      ["the emulator's own loopback address, not allowed", "loopback"],
    ] as const) {
      it(`refuses ${what} with 422 naming azure.vaultUrl, calling nothing`, async () => {
        const { accountId, token, client } = await tp.newAccount();
        const url = vaultUrl === "loopback" ? `${customer.emulator.url}/` : vaultUrl;
        await customer.admin.clearRequests();
        const body = JSON.stringify({ provider: "azure", azure: { vaultUrl: url, tenantId: customer.tenantId, keyName: "platform-kek" }, nickname: "x", activationDate: "2026-01-01" });
        for (const path of ["/key-management/byok", "/key-management/byok:validate"]) {
          const res = await raw(tp.url, path.endsWith("validate") ? "POST" : "PUT", `/v1/accounts/${accountId}${path}`, { token, body });
          expect(res.status).to.equal(422);
          expect(res.json.error).to.deep.include({ code: "validation_failed", field: "azure.vaultUrl" });
          expect(res.json.error!.message).to.contain(`received host "${new URL(url).host}"`);
        }
        expect(await client.getByok(accountId)).to.equal(undefined);
        expect((await customer.admin.requests()).filter((r) => r.area !== "admin"), "the emulator was not called").to.deep.equal([]);
      });
    }
  });

  describe("TLS stays verified under the overrides", () => {
    /** A platform with other test overrides against the same emulator; `validate` returns the GetKey check. */
    async function getKeyCheck(azureTest: NonNullable<PlatformSettings["azureTest"]>, vaultUrl: string): Promise<{ status: string; message: string }> {
      const settings: PlatformSettings = { ...defaultSettings({}), ...customer.platformSettings(), azureTest };
      const other = await startTestPlatform({ settings, maintenanceIntervalMs: 3_600_000 });
      try {
        const { accountId, client } = await other.newAccount();
        const body = { ...customer.byokRequest(), azure: { vaultUrl, tenantId: customer.tenantId, keyName: customer.keyName } } as const;
        const { validation } = await client.validateByok(accountId, body);
        expect(validation.checks.slice(1).map((c) => c.status)).to.deep.equal(["skipped", "skipped", "skipped"]);
        return validation.checks[0];
      } finally {
        await other.close();
      }
    }

    it("refuses a vault host the emulator's certificate does not name (ERR_TLS_CERT_ALTNAME_INVALID)", async () => {
      const { authorityHost, caFile } = customer.platformSettings().azureTest!;
      const check = await getKeyCheck({ authorityHost, caFile, vaultEndpoints: { "not-in-cert.vault.azure.net": `127.0.0.1:${customer.emulator.port}` } }, "https://not-in-cert.vault.azure.net/");
      expect(check).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message:
          "keyvault:GetKey failed: the TLS certificate of not-in-cert.vault.azure.net is not trusted (ERR_TLS_CERT_ALTNAME_INVALID) — Key Vault's certificates chain to public roots, so something on the network path replaced it (a TLS-inspecting proxy?); a test vault needs its CA (--azure-ca-file, or caCertPem)",
      });
    });

    it("refuses the emulator's certificate without --azure-ca-file", async () => {
      const { authorityHost, vaultEndpoints } = customer.platformSettings().azureTest!;
      const check = await getKeyCheck({ authorityHost, vaultEndpoints }, customer.vaultUrl);
      expect(check.status).to.equal("failed");
      expect(check.message).to.match(/^keyvault:GetKey failed: the TLS certificate of (127\.0\.0\.1:\d+|contoso-byok\.vault\.azure\.net) is not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    });
  });

  it("falls back when the emulator is killed, answers 424 for Azure content once cached keys expire, and recovers after its restart", async () => {
    const { accountId, client, keyName, request } = await onboard();
    await client.putByok(accountId, request);
    const byokCt = await client.encryptContent(accountId, "wrapped by the customer");
    expect(byokCt.keySource).to.equal("byok-azure");

    await customer.emulator.kill();
    let restarted = false;
    try {
      clock.advance(MAX_AGE);
      const during = await client.encryptContent(accountId, "written during the outage");
      expect(during.keySource).to.equal("platform");
      const state = await client.getKeyManagement(accountId);
      expect(state.effectiveKeySource).to.equal("platform-fallback");
      expect(state.byok!.status).to.equal("degraded");
      expect(state.fallback!.reason).to.equal(
        `keyvault:GetKey could not reach the vault ${customer.vaultHost} — check the vault URL, the vault's network ACLs (firewall rules) and private endpoints: the vault must accept connections from the platform`,
      );
      tp.running.platform.envelope.forget(accountId);
      const err = await failure(client.decryptContent(accountId, byokCt.ciphertext));
      expect(err.status).to.equal(424);
      expect(err.code).to.equal("customer_key_unavailable");
      expect(err.message).to.contain(`customer key unavailable: keyvault:UnwrapKey on ${customer.vaultUrl}keys/${keyName}/`);
      expect(text((await client.decryptContent(accountId, during.ciphertext)).plaintext)).to.equal("written during the outage");
      // The operator's log has the exact network error; the client's messages do not.
      // The exact network error goes to the operator only, never into a client message.
      expect(err.message).to.not.contain("ECONNREFUSED");

      await customer.restart();
      restarted = true;
    } finally {
      if (!restarted) await customer.restart();
    }
    clock.advance(1_000); // past the first recheck backoff
    expect((await client.encryptContent(accountId, "after recovery")).keySource).to.equal("byok-azure");
    expect((await client.getKeyManagement(accountId)).effectiveKeySource).to.equal("byok");
    expect(text((await client.decryptContent(accountId, byokCt.ciphertext)).plaintext)).to.equal("wrapped by the customer");
    const events = (await client.listEvents(accountId, { limit: 500 })).events;
    const types = events.map((e) => e.type);
    expect(types.indexOf("byok.fallback")).to.be.greaterThan(-1);
    expect(types.indexOf("byok.recovered")).to.be.greaterThan(types.indexOf("byok.fallback"));
    expect(events.find((e) => e.type === "byok.fallback")!.data).to.deep.include({ kind: "unavailable", action: "keyvault:GetKey" });
  });

  it("reverts on DELETE: re-wraps every data key of every key version under the platform key, then calls the vault no more", async () => {
    const { accountId, client, keyName, request } = await onboard();
    await client.putByok(accountId, request);
    const cts = [];
    for (let i = 0; i < 7; i++) {
      if (i === 4) await customer.rotate(keyName); // a rotation half-way: data keys under two versions
      cts.push(await client.encryptContent(accountId, `doc ${i}`));
      tp.running.platform.envelope.forget(accountId); // a new data key per message: 7 keys, 3 batches
    }
    expect(new Set(cts.map((c) => c.keyVersion)).size).to.equal(2);
    expect(await client.deleteByok(accountId)).to.deep.equal({ reverted: true, rewrappedDataKeys: 7, unreadableDataKeys: 0, unreadableMessages: 0 });
    expect(await client.getKeyManagement(accountId)).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
    await customer.admin.clearRequests();
    for (let i = 0; i < 7; i++) {
      const pt = await client.decryptContent(accountId, cts[i].ciphertext);
      expect([text(pt.plaintext), pt.keySource]).to.deep.equal([`doc ${i}`, "platform"]);
    }
    expect(await vaultLog(keyName), "no vault call after the revert").to.deep.equal([]);
    expect(await eventTypes(client, accountId)).to.include("byok.reverted");
  });

  it("refuses to revert with 409 and the counts when the key is gone; force reverts and records the loss", async () => {
    const { accountId, client, keyName, request } = await onboard();
    await client.putByok(accountId, request);
    const ct = await client.encryptContent(accountId, "one");
    await client.encryptContent(accountId, "two");
    tp.running.platform.envelope.forget(accountId); // settles the exact count: 1 data key, 2 messages
    await customer.admin.removeKey(customer.vaultName, keyName);

    const err = await failure(client.deleteByok(accountId));
    expect(err.status).to.equal(409);
    expect(err.details).to.deep.include({ affectedDataKeys: 1, affectedMessages: 2, affectedMessagesExact: true, rewrappedSoFar: 0 });
    expect(err.message).to.match(/keyvault:UnwrapKey .*1 data keys protecting 2 messages would become unreadable/);
    expect((await client.getByok(accountId))!.provider, "still configured").to.equal("azure");

    const forced = await client.deleteByok(accountId, { force: true });
    expect(forced).to.deep.equal({ reverted: true, rewrappedDataKeys: 0, unreadableDataKeys: 1, unreadableMessages: 2 });
    expect((await failure(client.decryptContent(accountId, ct.ciphertext))).status).to.equal(424);
    const events = (await client.listEvents(accountId, { limit: 500 })).events;
    expect(events.find((e) => e.type === "byok.revert-stopped")!.data).to.deep.include({ affectedDataKeys: 1, affectedMessages: 2 });
    expect(events.find((e) => e.type === "byok.data-unreadable")!.data).to.deep.include({ dataKeys: 1, messages: 2, forced: true, keyRef: `${customer.vaultUrl}keys/${keyName}` });
    expect(events.find((e) => e.type === "byok.reverted")!.data).to.deep.include({ provider: "azure", unreadableDataKeys: 1, forced: true });
  });
});
