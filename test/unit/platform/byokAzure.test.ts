// BYOK on Azure Key Vault in the platform: the real platform (SQLite store, HTTP on loopback, the
// production customer-key factory and the real Azure SDK) against the IN-PROCESS FAKE Key Vault of
// test/support/fakeKeyVault.ts. A UNIT test of the platform's Azure path, not a real-part test
// (no test may call Azure). The same cases run against the Key Vault emulator process over TLS in
// test/integration/azure/. See the fake's header for what a real vault does differently.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PlatformError, type PlatformClient, type PutByokRequest } from "../../../sdk";
import { DAY_MS, ManualClock, defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../../platform";
import { FakeKeyVault, networkTripwire } from "../../support/fakeKeyVault";
import { raw, startTestPlatform, type TestPlatform } from "../../support/platform";
import { expectRejectedRegistration } from "../../support/byokAssertions";

const MAX_AGE = 60_000;
const APP = "11111111-2222-3333-4444-555555555555";
const SECRET = "ekm-test-client-secret~Qx7.0123456789abcdefghij";
const WRAP_ACTION = "Microsoft.KeyVault/vaults/keys/wrap/action";

function settingsFor(fake: FakeKeyVault): PlatformSettings {
  return {
    ...defaultSettings({}),
    azureClientId: APP,
    azureClientSecret: SECRET,
    allowVaultHosts: [fake.host],
    byokCache: { maxAgeMs: MAX_AGE, maxMessages: 100, maxEntries: 1000 },
    recheck: { baseMs: 1_000, maxMs: 8_000 },
    rewrapBatchSize: 3,
  };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: PlatformError) => e,
  );
const text = (b64: string) => Buffer.from(b64, "base64").toString();
const eventTypes = async (client: PlatformClient, accountId: string) => (await client.listEvents(accountId, { limit: 500 })).events.map((e) => e.type);

describe("platform: BYOK on Azure Key Vault (in-process fake vault: a unit test, not a real vault)", function () {
  this.timeout(60_000);
  let tripwire: ReturnType<typeof networkTripwire>;
  before(() => (tripwire = networkTripwire()));
  after(() => {
    tripwire.uninstall();
    expect(tripwire.attempts, "no connection left this machine").to.deep.equal([]);
  });

  describe("with a static credential", () => {
    const fake = new FakeKeyVault();
    const clock = new ManualClock(Date.now());
    const calls: string[] = [];
    let tp: TestPlatform;
    let keys = 0;

    before(async () => {
      const settings = settingsFor(fake);
      tp = await startTestPlatform({
        clock,
        settings,
        maintenanceIntervalMs: 3_600_000,
        customerKeys: defaultCustomerKeys(settings, {
          azure: { httpClient: fake.httpClient, credential: fake.credential, onCall: (op) => void calls.push(op), timeoutMs: 1500 },
        }),
      });
    });
    after(async () => {
      await tp?.close();
    });
    beforeEach(() => (calls.length = 0));

    /** A new account and a new key in the fake vault. */
    async function onboard(spec: Parameters<FakeKeyVault["createKey"]>[1] = {}) {
      const { accountId, client } = await tp.newAccount();
      const keyName = `ekm-key-${++keys}`;
      const version = fake.createKey(keyName, spec);
      const request: PutByokRequest = {
        provider: "azure",
        azure: { vaultUrl: fake.vaultUrl, tenantId: fake.tenantId, keyName },
        nickname: "azure key",
        activationDate: new Date(clock.now() - DAY_MS).toISOString(),
      };
      return { accountId, client, keyName, version, request };
    }

    it("shows the platform's application ID in the trust document", async () => {
      const { accountId, client } = await tp.newAccount();
      const trust = await client.getTrust(accountId);
      expect(trust.azure).to.deep.equal({ applicationId: APP });
    });

    it("registers a working versionless key: four checks, active, and content wrapped by its current version", async () => {
      const { accountId, client, version, request } = await onboard();
      const config = await client.putByok(accountId, request);
      expect(config).to.deep.include({ provider: "azure", status: "active", nickname: "azure key" });
      expect(config.validation.checks.map((c) => [c.name, c.status])).to.deep.equal([
        ["keyvault:GetKey", "ok"],
        ["keyvault:RecoveryLevel", "ok"],
        ["keyvault:WrapKey", "ok"],
        ["keyvault:UnwrapKey", "ok"],
      ]);
      expect(await client.getKeyManagement(accountId)).to.deep.include({ mode: "byok", effectiveKeySource: "byok", fallback: null });

      const ct = await client.encryptContent(accountId, "wrapped in Key Vault");
      expect(ct).to.deep.include({ keySource: "byok-azure", keyVersion: version });
      const pt = await client.decryptContent(accountId, ct.ciphertext);
      expect(text(pt.plaintext)).to.equal("wrapped in Key Vault");
      expect(pt).to.deep.include({ keySource: "byok-azure", keyVersion: version });
      expect(await eventTypes(client, accountId)).to.deep.equal(["account.created", "platform-key.created", "byok.validated", "byok.configured", "byok.activated"]);
    });

    it("follows a rotation: new content uses the new version, old content still decrypts with the old one", async () => {
      const { accountId, client, keyName, version, request } = await onboard();
      await client.putByok(accountId, request);
      const before = await client.encryptContent(accountId, "before rotation");
      expect(before.keyVersion).to.equal(version);

      const version2 = fake.createKey(keyName);
      clock.advance(MAX_AGE); // the cached data key ages out; the next one is wrapped by the current version
      const after = await client.encryptContent(accountId, "after rotation");
      expect(after).to.deep.include({ keySource: "byok-azure", keyVersion: version2 });

      tp.running.platform.envelope.forget(accountId);
      const old = await client.decryptContent(accountId, before.ciphertext);
      expect(text(old.plaintext)).to.equal("before rotation");
      expect(old.keyVersion).to.equal(version);
      expect(fake.vaultCalls()).to.include(`POST /keys/${keyName}/${version}/unwrapkey`);
      expect((await client.decryptContent(accountId, after.ciphertext)).keyVersion).to.equal(version2);
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
      const cases: [string, Parameters<FakeKeyVault["createKey"]>[1], () => () => void, string, RegExp][] = [
        ["an EC key", { kty: "EC" }, () => () => undefined, "keyvault:GetKey", /has key type EC — the platform needs an RSA or RSA-HSM key/],
        ["a disabled key", { enabled: false }, () => () => undefined, "keyvault:GetKey", /is disabled — enable it: az keyvault key set-attributes/],
        [
          "a vault without purge protection",
          {},
          () => {
            fake.recoveryLevel = "Recoverable+Purgeable";
            return () => (fake.recoveryLevel = "Recoverable");
          },
          "keyvault:RecoveryLevel",
          /purge protection is off .* properties\.enablePurgeProtection: az keyvault update --name 127 --enable-purge-protection true/,
        ],
        [
          "a principal without the wrap data action",
          {},
          () => {
            fake.granted.delete(WRAP_ACTION);
            return () => fake.granted.add(WRAP_ACTION);
          },
          "keyvault:WrapKey",
          /lacks Microsoft\.KeyVault\/vaults\/keys\/wrap\/action — assign its service principal .* "Key Vault Crypto Service Encryption User" \(e147488a-f6f5-4113-8e2d-b22465e65bf6\)/,
        ],
      ];
      for (const [what, spec, spoil, check, message] of cases) {
        it(`rejects ${what} at ${check}`, async () => {
          const { accountId, client, request } = await onboard(spec);
          const restore = spoil();
          try {
            await expectRejectedRegistration(client, accountId, request, check, message);
          } finally {
            restore();
          }
        });
      }
    });

    it("falls back when the vault answers 503, answers 424 for Azure content once the cache expires, and recovers", async () => {
      const { accountId, client, request } = await onboard();
      await client.putByok(accountId, request);
      const byokCt = await client.encryptContent(accountId, "wrapped by the customer");
      expect(byokCt.keySource).to.equal("byok-azure");

      fake.setOutage({ status: 503 });
      try {
        clock.advance(MAX_AGE);
        const during = await client.encryptContent(accountId, "written during the outage");
        expect(during.keySource).to.equal("platform");
        const state = await client.getKeyManagement(accountId);
        expect(state.effectiveKeySource).to.equal("platform-fallback");
        expect(state.byok!.status).to.equal("degraded");
        expect(state.fallback!.reason).to.equal("keyvault:GetKey failed: vault 127.0.0.1:58443 is unavailable (503 ServiceUnavailable) — retry later");

        const err = await failure(client.decryptContent(accountId, byokCt.ciphertext));
        expect(err.status).to.equal(424);
        expect(err.code).to.equal("customer_key_unavailable");
        expect(err.message).to.contain(`customer key unavailable: keyvault:UnwrapKey on ${fake.vaultUrl}keys/`);
        expect(err.message).to.contain("is unavailable (503 ServiceUnavailable) — retry later");
        expect(text((await client.decryptContent(accountId, during.ciphertext)).plaintext)).to.equal("written during the outage");
      } finally {
        fake.setOutage(undefined);
      }
      clock.advance(1_000);
      expect((await client.encryptContent(accountId, "after recovery")).keySource).to.equal("byok-azure");
      expect((await client.getKeyManagement(accountId)).effectiveKeySource).to.equal("byok");
      expect(text((await client.decryptContent(accountId, byokCt.ciphertext)).plaintext)).to.equal("wrapped by the customer");
      const types = await eventTypes(client, accountId);
      expect(types.indexOf("byok.recovered")).to.be.greaterThan(types.indexOf("byok.fallback"));
      expect(types.indexOf("byok.fallback")).to.be.greaterThan(-1);
    });

    it("reverts on DELETE: re-wraps every data key of every key version under the platform key", async () => {
      const { accountId, client, keyName, request } = await onboard();
      await client.putByok(accountId, request);
      const cts = [];
      for (let i = 0; i < 7; i++) {
        if (i === 4) fake.createKey(keyName); // a rotation half-way: data keys under two versions
        cts.push(await client.encryptContent(accountId, `doc ${i}`));
        tp.running.platform.envelope.forget(accountId); // a new data key per message: 7 keys, 3 batches
      }
      expect(new Set(cts.map((c) => c.keyVersion)).size).to.equal(2);
      expect(await client.deleteByok(accountId)).to.deep.equal({ reverted: true, rewrappedDataKeys: 7, unreadableDataKeys: 0, unreadableMessages: 0 });
      expect(await client.getKeyManagement(accountId)).to.deep.include({ mode: "platform-managed", effectiveKeySource: "platform", byok: null });
      const requests = fake.requests.length;
      for (let i = 0; i < 7; i++) {
        const pt = await client.decryptContent(accountId, cts[i].ciphertext);
        expect(text(pt.plaintext)).to.equal(`doc ${i}`);
        expect(pt.keySource).to.equal("platform");
      }
      expect(fake.requests.length, "no vault call after the revert").to.equal(requests);
      expect(await eventTypes(client, accountId)).to.include("byok.reverted");
    });

    describe("the SSRF guard", () => {
      const guardMessage = (host: string) =>
        "azure.vaultUrl: the platform only calls Key Vault hosts under vault.azure.net, vault.azure.cn, vault.usgovcloudapi.net, vault.microsoftazure.de, managedhsm.azure.net, managedhsm.azure.cn, managedhsm.usgovcloudapi.net, managedhsm.microsoftazure.de; " +
        `received host ${JSON.stringify(host)}. Use your vault's "Vault URI" from the Azure portal.`;
      for (const vaultUrl of ["https://127.0.0.1:9999/", "https://localhost:58443/"]) {
        for (const [route, method] of [
          ["/key-management/byok", "PUT"],
          ["/key-management/byok:validate", "POST"],
        ] as const) {
          it(`refuses ${method} ${route} for ${vaultUrl}, a loopback host not explicitly allowed, with 422 naming the field`, async () => {
            const { accountId, token, client } = await tp.newAccount();
            const body = JSON.stringify({ provider: "azure", azure: { vaultUrl, tenantId: fake.tenantId, keyName: "ekm-key" }, nickname: "x", activationDate: "2026-01-01" });
            const requests = fake.requests.length;
            const res = await raw(tp.url, method, `/v1/accounts/${accountId}${route}`, { token, body });
            expect(res.status).to.equal(422);
            expect(res.json.error).to.deep.include({ code: "validation_failed", message: guardMessage(new URL(vaultUrl).host), field: "azure.vaultUrl" });
            expect(fake.requests.length, "the vault was not called").to.equal(requests);
            expect(await client.getByok(accountId)).to.equal(undefined);
          });
        }
      }

      it("refuses a public host outside the Key Vault suffixes before anything runs (the contract's format)", async () => {
        const account = await tp.newAccount();
        const body = JSON.stringify({
          provider: "azure",
          azure: { vaultUrl: "https://kv.attacker.example/", tenantId: fake.tenantId, keyName: "ekm-key" },
          nickname: "x",
          activationDate: "2026-01-01",
        });
        const res = await raw(tp.url, "PUT", `/v1/accounts/${account.accountId}/key-management/byok`, { token: account.token, body });
        expect(res.status).to.equal(400);
        expect(res.json.error!.field).to.equal("azure.vaultUrl");
        expect(res.json.error!.message).to.contain("the host must end in one of vault.azure.net");
      });
    });
  });

  describe("defaultCustomerKeys for Azure", () => {
    it("never calls a stored vault whose host is no longer allowed: validation fails, data keys fall back, unwrap fails", async () => {
      const fake = new FakeKeyVault();
      fake.createKey("ekm-key");
      const factory = defaultCustomerKeys({ ...settingsFor(fake), allowVaultHosts: [] }, { azure: { httpClient: fake.httpClient, credential: fake.credential } });
      const key = factory("acct-1", { provider: "azure", reference: { vaultUrl: fake.vaultUrl, tenantId: fake.tenantId, keyName: "ekm-key" } }, { externalId: "x" });
      expect(key.source).to.equal("byok-azure");
      const checks = await key.validate();
      expect(checks.map((c) => c.status)).to.deep.equal(["failed", "skipped", "skipped", "skipped"]);
      expect(checks[0].message).to.match(/^keyvault:GetKey not attempted: azure\.vaultUrl: the platform only calls Key Vault hosts under/);
      const err = await key.generateDataKey().then(
        () => undefined,
        (e: Error & { kind?: string }) => e,
      );
      expect(err?.kind).to.equal("access-denied");
      expect(fake.requests).to.deep.equal([]);
    });

    it("keeps challenge resource verification on for a Key Vault host, where a matching challenge passes", async () => {
      // The fake plays contoso-byok.vault.azure.net in process: nothing leaves the machine (the tripwire is on).
      const fake = new FakeKeyVault({ host: "contoso-byok.vault.azure.net" });
      fake.createKey("ekm-key");
      const factory = defaultCustomerKeys(settingsFor(fake), { azure: { httpClient: fake.httpClient, credential: fake.credential } });
      const key = factory("acct-1", { provider: "azure", reference: { vaultUrl: fake.vaultUrl, tenantId: fake.tenantId, keyName: "ekm-key" } }, { externalId: "x" });
      expect((await key.validate()).map((c) => c.status)).to.deep.equal(["ok", "ok", "ok", "ok"]);
    });
  });

  describe("with the platform's application secret (ClientSecretCredential through the fake Entra ID)", () => {
    const fake = new FakeKeyVault();
    const clock = new ManualClock(Date.now());
    let tp: TestPlatform;

    before(async () => {
      fake.registerApplication(APP, SECRET);
      const settings = settingsFor(fake);
      // No credential override: the production path builds ClientSecretCredential from the settings.
      tp = await startTestPlatform({ clock, settings, maintenanceIntervalMs: 3_600_000, customerKeys: defaultCustomerKeys(settings, { azure: { httpClient: fake.httpClient, timeoutMs: 1500 } }) });
    });
    after(async () => {
      await tp?.close();
    });

    it("never shows the client secret or a token in a log line, a response body, an event or the store", async () => {
      const bodies: string[] = [];
      const call = async (method: string, path: string, token: string, body?: unknown) => {
        const res = await raw(tp.url, method, path, { token, body: body === undefined ? undefined : JSON.stringify(body) });
        bodies.push(typeof res.json === "string" ? res.json : JSON.stringify(res.json));
        return res;
      };
      const created = await call("POST", "/v1/accounts", tp.adminToken, { name: "secret-scan" });
      const { accountId, token } = created.json as unknown as { accountId: string; token: string };
      const base = `/v1/accounts/${accountId}`;
      const keyName = "scan-key";
      fake.createKey(keyName);
      const request = { provider: "azure", azure: { vaultUrl: fake.vaultUrl, tenantId: fake.tenantId, keyName }, nickname: "scan", activationDate: new Date(clock.now() - DAY_MS).toISOString() };

      expect((await call("GET", `${base}/key-management/trust`, token)).json).to.deep.include({ azure: { applicationId: APP } });
      // Failures first: a wrong secret at Entra ID, then a missing role.
      fake.registerApplication(APP, "rotated-elsewhere");
      const refused = await call("POST", `${base}/key-management/byok:validate`, token, request);
      expect(JSON.stringify(refused.json)).to.contain("AADSTS7000215");
      fake.registerApplication(APP, SECRET);
      fake.granted.delete(WRAP_ACTION);
      expect((await call("PUT", `${base}/key-management/byok`, token, request)).status).to.equal(422);
      fake.granted.add(WRAP_ACTION);
      expect((await call("PUT", `${base}/key-management/byok`, token, request)).status).to.equal(201);
      const ct = (await call("POST", `${base}/content:encrypt`, token, { plaintext: Buffer.from("scan me").toString("base64") })).json as unknown as { ciphertext: string; keySource: string };
      expect(ct.keySource).to.equal("byok-azure");
      await call("POST", `${base}/content:decrypt`, token, { ciphertext: ct.ciphertext });
      // An outage: fallback, the reason in the state, a 424.
      fake.setOutage({ status: 503 });
      clock.advance(MAX_AGE);
      await call("POST", `${base}/content:encrypt`, token, { plaintext: "AA==" });
      await call("GET", `${base}/key-management`, token);
      expect((await call("POST", `${base}/content:decrypt`, token, { ciphertext: ct.ciphertext })).status).to.equal(424);
      fake.setOutage(undefined);
      clock.advance(1_000);
      await call("POST", `${base}/content:encrypt`, token, { plaintext: "AA==" });
      await call("GET", `${base}/key-management/byok`, token);
      expect((await call("DELETE", `${base}/key-management/byok`, token)).status).to.equal(200);
      const events = await call("GET", `${base}/key-management/events?limit=500`, token);
      tp.running.platform.envelope.flushCounters();

      // The secret really was used (so this test can fail): it went to Entra ID's token endpoint, and only there.
      const tokenRequests = fake.requests.filter((r) => r.host === "login.microsoftonline.com" && r.path.endsWith("/oauth2/v2.0/token"));
      expect(tokenRequests.filter((r) => r.body.includes(SECRET)).length).to.be.greaterThan(0);
      expect(fake.requests.filter((r) => r.host === fake.host && `${r.body}${r.authorization}`.includes(SECRET))).to.deep.equal([]);
      const bearerTokens = [...new Set(fake.requests.map((r) => r.authorization).filter((a): a is string => a !== undefined).map((a) => a.replace(/^Bearer /, "")))];
      expect(bearerTokens.length).to.be.greaterThan(0);

      const store = readdirSync(tp.dataDir).map((f) => readFileSync(join(tp.dataDir, f)));
      const eventText = JSON.stringify(events.json);
      expect(eventText).to.contain("byok.fallback");
      for (const needle of [SECRET, ...bearerTokens]) {
        const what = needle === SECRET ? "the client secret" : "a bearer token";
        expect(tp.logs.filter((l) => l.includes(needle)), `${what} in a log line`).to.deep.equal([]);
        expect(bodies.filter((b) => b.includes(needle)), `${what} in a response body`).to.deep.equal([]);
        expect(eventText.includes(needle), `${what} in an event`).to.equal(false);
        expect(store.filter((bytes) => bytes.includes(needle)).length, `${what} in the store`).to.equal(0);
      }
      expect(tp.logs.length).to.be.greaterThan(10);
      expect(bodies.length).to.be.greaterThan(12);
    });
  });
});
