// createAzureCustomerKey against test/support/fakeKeyVault.ts: the real Azure SDK (KeyClient,
// CryptographyClient, the challenge authentication policy, retries, and for some tests the real
// ClientSecretCredential with MSAL) talking to an IN-PROCESS FAKE of Key Vault and Entra ID.
// A UNIT test: it proves the platform's logic and its use of the SDK, not interoperability with a
// real vault (lowkey-vault cannot be installed here; see the fake's header for what differs).
import { expect } from "chai";
import * as https from "node:https";
import * as tls from "node:tls";
import { KeyClient } from "@azure/keyvault-keys";
import { createAzureCustomerKey, type AzureCustomerKeyOptions } from "../../../../platform/customer-keys/azure";
import { CustomerKeyError, type CustomerKey } from "../../../../platform/customer-keys/types";
import { FakeKeyVault, KEY_VAULT_SCOPE, networkTripwire } from "../../../support/fakeKeyVault";

const APP = "11111111-2222-3333-4444-555555555555";
const SECRET = "fake-client-secret~0123456789.abcdefghij";
const STEPS = ["keyvault:GetKey", "keyvault:RecoveryLevel", "keyvault:WrapKey", "keyvault:UnwrapKey"];
const GRANT =
  'the role "Key Vault Crypto Service Encryption User" (e147488a-f6f5-4113-8e2d-b22465e65bf6) on the key, or a custom role with the dataActions ' +
  "Microsoft.KeyVault/vaults/keys/read, Microsoft.KeyVault/vaults/keys/wrap/action, Microsoft.KeyVault/vaults/keys/unwrap/action, " +
  "Microsoft.KeyVault/vaults/keys/encrypt/action, Microsoft.KeyVault/vaults/keys/decrypt/action (role assignments can take a few minutes to apply)";

async function rejection(promise: Promise<unknown>): Promise<CustomerKeyError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(CustomerKeyError);
    return err as CustomerKeyError;
  }
  throw new Error("expected a CustomerKeyError, but the call succeeded");
}

describe("createAzureCustomerKey (in-process fake Key Vault: a unit test, not a real vault)", function () {
  this.timeout(30_000);
  let tripwire: ReturnType<typeof networkTripwire>;
  let fake: FakeKeyVault;
  let version1: string;
  let calls: string[];

  before(() => (tripwire = networkTripwire()));
  after(() => {
    tripwire.uninstall();
    expect(tripwire.attempts, "no connection left this machine").to.deep.equal([]);
  });
  beforeEach(() => {
    fake = new FakeKeyVault();
    version1 = fake.createKey("ekm-key");
    calls = [];
  });

  /** The platform's key, with the static test credential unless told otherwise. */
  function customerKey(extra: Partial<AzureCustomerKeyOptions> = {}): CustomerKey {
    return createAzureCustomerKey({
      accountId: "acct-42",
      vaultUrl: fake.vaultUrl,
      tenantId: fake.tenantId,
      keyName: "ekm-key",
      clientId: APP,
      credential: fake.credential,
      httpClient: fake.httpClient,
      disableChallengeResourceVerification: true,
      timeoutMs: 1500,
      onCall: (operation) => void calls.push(operation),
      ...extra,
    });
  }
  /** The customer's administrator, through the real SDK. */
  const admin = () => new KeyClient(fake.vaultUrl, fake.adminCredential, { httpClient: fake.httpClient, disableChallengeResourceVerification: true });
  const setAttributes = (version: string) => `az keyvault key set-attributes --vault-name 127 --name ekm-key --version ${version}`;

  describe("validate", () => {
    it("passes a usable versionless key with four checks, wrapping and unwrapping under its current version", async () => {
      const checks = await customerKey().validate();
      const id = fake.keyId("ekm-key", version1);
      expect(checks).to.deep.equal([
        {
          name: "keyvault:GetKey",
          status: "ok",
          message: `key ${id} is enabled, RSA 2048-bit, key operations wrapKey, unwrapKey, encrypt, decrypt; no expiry; versionless: new data keys use its current version ${version1}`,
        },
        { name: "keyvault:RecoveryLevel", status: "ok", message: "soft delete and purge protection are on (recoveryLevel Recoverable, deleted keys kept 90 days)" },
        { name: "keyvault:WrapKey", status: "ok", message: `wrapped 32 random bytes with RSA-OAEP-256 under ${id}` },
        { name: "keyvault:UnwrapKey", status: "ok", message: `unwrapped them with ${id}; the round trip returned the same 32 bytes` },
      ]);
      expect(calls).to.deep.equal(["Challenge", "GetKey", "Challenge", "WrapKey", "UnwrapKey"]);
      expect(fake.tokenRequests.every((t) => t.scopes.join() === KEY_VAULT_SCOPE && t.tenantId === fake.tenantId)).to.equal(true);
    });

    it("rejects an EC key at keyvault:GetKey and skips the rest", async () => {
      const ec = fake.createKey("ec-key", { kty: "EC" });
      const checks = await customerKey({ keyName: "ec-key" }).validate();
      expect(checks).to.deep.equal([
        {
          name: "keyvault:GetKey",
          status: "failed",
          message: `key ${fake.keyId("ec-key", ec)} has key type EC — the platform needs an RSA or RSA-HSM key of 2048, 3072 or 4096 bits to wrap data keys with RSA-OAEP-256`,
        },
        { name: "keyvault:RecoveryLevel", status: "skipped", message: "not run because keyvault:GetKey failed" },
        { name: "keyvault:WrapKey", status: "skipped", message: "not run because keyvault:GetKey failed" },
        { name: "keyvault:UnwrapKey", status: "skipped", message: "not run because keyvault:GetKey failed" },
      ]);
      expect(calls, "no wrap was attempted").to.deep.equal(["Challenge", "GetKey"]);
    });

    const keyCases: [string, Parameters<FakeKeyVault["createKey"]>[1], (id: string, v: string) => string][] = [
      [
        "a key without the wrapKey operation",
        { keyOps: ["unwrapKey", "encrypt", "decrypt"] },
        (id, v) => `key ${id} does not allow wrapKey (its key operations are unwrapKey, encrypt, decrypt) — ${setAttributes(v)} --ops wrapKey unwrapKey encrypt decrypt`,
      ],
      [
        "an RSA 1024 key",
        { size: 1024 },
        (id) =>
          `key ${id} is RSA 1024-bit — the platform needs at least 2048 bits: create a new version with ` +
          "az keyvault key create --vault-name 127 --name ekm-key --kty RSA --size 3072 --ops wrapKey unwrapKey encrypt decrypt",
      ],
      ["a disabled key", { enabled: false }, (id, v) => `key ${id} is disabled — enable it: ${setAttributes(v)} --enabled true`],
      [
        "a key that is not valid yet",
        { notBefore: new Date("2099-01-01T00:00:00Z") },
        (id, v) => `key ${id} is not valid before 2099-01-01T00:00:00.000Z — register it with a later activation date, or: ${setAttributes(v)} --not-before <now>`,
      ],
    ];
    for (const [what, spec, message] of keyCases) {
      it(`rejects ${what} at keyvault:GetKey`, async () => {
        const v = fake.createKey("ekm-key", spec);
        const checks = await customerKey().validate();
        expect(checks.map((c) => c.name)).to.deep.equal(STEPS);
        expect(checks[0]).to.deep.equal({ name: "keyvault:GetKey", status: "failed", message: message(fake.keyId("ekm-key", v), v) });
        expect(checks.slice(1).every((c) => c.status === "skipped" && c.message === "not run because keyvault:GetKey failed")).to.equal(true);
      });
    }

    it("rejects a vault without purge protection at keyvault:RecoveryLevel, naming the property and the fix", async () => {
      fake.recoveryLevel = "Recoverable+Purgeable";
      const checks = await customerKey().validate();
      expect(checks.map((c) => [c.name, c.status])).to.deep.equal([
        ["keyvault:GetKey", "ok"],
        ["keyvault:RecoveryLevel", "failed"],
        ["keyvault:WrapKey", "skipped"],
        ["keyvault:UnwrapKey", "skipped"],
      ]);
      expect(checks[1].message).to.equal(
        "purge protection is off (recoveryLevel Recoverable+Purgeable): a deleted key could be purged before its retention ends, and all content it protects would be lost — " +
          "set properties.enablePurgeProtection: az keyvault update --name 127 --enable-purge-protection true (it cannot be turned off again)",
      );
      expect(checks[2].message).to.equal("not run because keyvault:RecoveryLevel failed");
    });

    it("names the missing data action and the role when RBAC denies wrapping (403 ForbiddenByRbac)", async () => {
      fake.granted.delete("Microsoft.KeyVault/vaults/keys/wrap/action");
      const checks = await customerKey().validate();
      expect(checks.map((c) => [c.name, c.status])).to.deep.equal([
        ["keyvault:GetKey", "ok"],
        ["keyvault:RecoveryLevel", "ok"],
        ["keyvault:WrapKey", "failed"],
        ["keyvault:UnwrapKey", "skipped"],
      ]);
      expect(checks[2].message).to.equal(
        `keyvault:WrapKey denied on key ${fake.keyId("ekm-key", version1)} for the platform's application ${APP}: ` +
          `it lacks Microsoft.KeyVault/vaults/keys/wrap/action — assign its service principal in tenant ${fake.tenantId} ${GRANT}`,
      );
    });

    it("names keys/read when RBAC denies reading the key", async () => {
      fake.granted.delete("Microsoft.KeyVault/vaults/keys/read");
      const checks = await customerKey({ clientId: undefined }).validate();
      expect(checks[0]).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message:
          `keyvault:GetKey denied on key ${fake.keyId("ekm-key")} for the platform's application (its ID: GET /v1/accounts/acct-42/key-management/trust): ` +
          `it lacks Microsoft.KeyVault/vaults/keys/read — assign its service principal in tenant ${fake.tenantId} ${GRANT}`,
      });
    });

    it("reports a missing key and a missing key version as not found (404 KeyNotFound)", async () => {
      const missing = await customerKey({ keyName: "no-such-key" }).validate();
      expect(missing[0]).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message:
          "keyvault:GetKey failed: key no-such-key was not found in vault 127.0.0.1:58443 (KeyNotFound) — check azure.keyName; " +
          "a deleted key can be recovered while soft-deleted: az keyvault key recover --vault-name 127 --name no-such-key",
      });
      const version = "ffffffffffffffffffffffffffffffff";
      const noVersion = await customerKey({ keyVersion: version }).validate();
      expect(noVersion[0].message).to.equal(
        `keyvault:GetKey failed: key ekm-key version ${version} was not found in vault 127.0.0.1:58443 (KeyNotFound) — check azure.keyName and azure.keyVersion; ` +
          "a deleted key can be recovered while soft-deleted: az keyvault key recover --vault-name 127 --name ekm-key",
      );
    });

    it("fails with what to configure, and calls nothing, when the platform has no Azure credentials", async () => {
      const checks = await customerKey({ credential: undefined, clientId: undefined, clientSecret: undefined }).validate();
      expect(checks[0]).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message:
          "keyvault:GetKey failed: the platform has no Azure application credentials — set its application ID (EKM_AZURE_CLIENT_ID or --azure-client-id) " +
          "and its client secret (EKM_AZURE_CLIENT_SECRET); the customer's configuration is not at fault",
      });
      expect(fake.requests).to.deep.equal([]);
    });

    it("keeps challenge resource verification on unless told: a host the challenge resource does not cover is refused", async () => {
      const checks = await customerKey({ disableChallengeResourceVerification: false }).validate();
      expect(checks[0]).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message:
          "keyvault:GetKey failed: 127.0.0.1:58443 answered with an authentication challenge for a resource its host is not under, so it is not an Azure Key Vault — " +
          'register the vault\'s "Vault URI" (https://<vault-name>.vault.azure.net/)',
      });
      expect(fake.tokenRequests, "no token was requested for the foreign resource").to.deep.equal([]);
    });
  });

  describe("generateDataKey and unwrapDataKey", () => {
    it("wraps a fresh 32-byte data key under the current version and records the versioned key id", async () => {
      const key = customerKey();
      const dk = await key.generateDataKey();
      expect(dk.keyRef).to.equal(fake.keyId("ekm-key", version1));
      expect(dk.keyVersion).to.equal(version1);
      expect(dk.plaintext).to.have.length(32);
      expect(dk.wrapped).to.have.length(256);
      expect(dk.wrapped.includes(dk.plaintext)).to.equal(false);
      const unwrapped = await key.unwrapDataKey(dk.wrapped, dk.keyRef);
      expect(unwrapped.equals(dk.plaintext)).to.equal(true);
      expect(fake.vaultCalls().slice(-1)).to.deep.equal([`POST /keys/ekm-key/${version1}/unwrapkey`]);
    });

    it("follows a versionless key to its new version, and unwraps old data keys with exactly their version", async () => {
      const key = customerKey();
      const old = await key.generateDataKey();
      // The customer rotates: a new version, created through the real SDK.
      const rotated = await admin().createRsaKey("ekm-key", { keySize: 3072, keyOps: ["wrapKey", "unwrapKey", "encrypt", "decrypt"] });
      const version2 = rotated.properties.version as string;
      expect(version2).not.to.equal(version1);

      const fresh = await key.generateDataKey();
      expect(fresh.keyVersion).to.equal(version2);
      expect(fresh.keyRef).to.equal(fake.keyId("ekm-key", version2));
      expect(fresh.wrapped).to.have.length(384);
      expect((await key.unwrapDataKey(old.wrapped, old.keyRef)).equals(old.plaintext)).to.equal(true);
      expect(fake.vaultCalls().slice(-1)).to.deep.equal([`POST /keys/ekm-key/${version1}/unwrapkey`]);
      expect((await key.unwrapDataKey(fresh.wrapped, fresh.keyRef)).equals(fresh.plaintext)).to.equal(true);
      const validation = await key.validate();
      expect(validation[0].message).to.contain(`versionless: new data keys use its current version ${version2}`);
    });

    it("stays on a pinned key version after the customer rotates", async () => {
      fake.createKey("ekm-key");
      const dk = await customerKey({ keyVersion: version1 }).generateDataKey();
      expect(dk.keyVersion).to.equal(version1);
    });

    it("refuses a disabled key for new data keys without asking the vault to wrap (which it would), and unwrap answers disabled", async () => {
      const key = customerKey();
      const old = await key.generateDataKey();
      await admin().updateKeyProperties("ekm-key", version1, { enabled: false });
      calls.length = 0;

      const err = await rejection(key.generateDataKey());
      expect(err.kind).to.equal("disabled");
      expect(err.action).to.equal("keyvault:WrapKey");
      expect(err.message).to.equal(`keyvault:WrapKey not attempted: key ${old.keyRef} is disabled — enable it: ${setAttributes(version1)} --enabled true`);
      expect(calls).to.deep.equal(["GetKey"]);

      const unwrap = await rejection(key.unwrapDataKey(old.wrapped, old.keyRef));
      expect(unwrap.kind).to.equal("disabled");
      expect(unwrap.message).to.equal(`keyvault:UnwrapKey failed: key ${old.keyRef} is disabled — enable it: ${setAttributes(version1)} --enabled true`);
    });

    it("refuses an expired key for new data keys, but still unwraps what it wrapped (Key Vault allows unwrap after exp)", async () => {
      const key = customerKey();
      const old = await key.generateDataKey();
      await admin().updateKeyProperties("ekm-key", version1, { expiresOn: new Date(Date.now() - 60_000) });

      const err = await rejection(key.generateDataKey());
      expect(err.kind).to.equal("expired");
      expect(err.message).to.match(new RegExp(`^keyvault:WrapKey not attempted: key ${old.keyRef} expired on \\S+ — Key Vault wraps no new keys with it: rotate the key`));
      expect((await key.unwrapDataKey(old.wrapped, old.keyRef)).equals(old.plaintext)).to.equal(true);
    });

    it("rejects a wrapped key that the version did not wrap as invalid-key (400 BadParameter)", async () => {
      const key = customerKey();
      const dk = await key.generateDataKey();
      const other = fake.createKey("ekm-key");
      const err = await rejection(key.unwrapDataKey(dk.wrapped, fake.keyId("ekm-key", other)));
      expect(err.kind).to.equal("invalid-key");
      expect(err.message).to.equal(
        `keyvault:UnwrapKey rejected the wrapped data key under ${fake.keyId("ekm-key", other)} (BadParameter) — it was not wrapped by this key version with RSA-OAEP-256, or it is corrupt`,
      );
    });

    it("answers unavailable after one retry when the vault answers 503", async () => {
      fake.setOutage({ status: 503 });
      const err = await rejection(customerKey().generateDataKey());
      expect(err.kind).to.equal("unavailable");
      expect(err.message).to.equal("keyvault:GetKey failed: vault 127.0.0.1:58443 is unavailable (503 ServiceUnavailable) — retry later");
      expect(fake.vaultCalls()).to.deep.equal(["GET /keys/ekm-key/", "GET /keys/ekm-key/"]);
    });

    it("recovers from one 503 through the SDK's retry", async () => {
      fake.failNext(1, 503);
      const dk = await customerKey().generateDataKey();
      expect(dk.keyVersion).to.equal(version1);
    });

    it("answers unavailable when the connection is reset", async () => {
      fake.setOutage({ reset: true });
      const err = await rejection(customerKey().generateDataKey());
      expect(err.kind).to.equal("unavailable");
      expect(err.message).to.equal("keyvault:GetKey could not reach the vault 127.0.0.1:58443 — check the vault URL, the vault's network ACLs (firewall rules) and private endpoints: the vault must accept connections from the platform");
    });

    it("times out a vault that never answers within timeoutMs", async () => {
      fake.setOutage({ hang: true });
      const started = Date.now();
      const err = await rejection(customerKey({ timeoutMs: 300 }).generateDataKey());
      expect(err.kind).to.equal("timeout");
      expect(err.message).to.equal("keyvault:GetKey timed out after 300 ms: vault 127.0.0.1:58443 did not answer — retry later");
      expect(Date.now() - started).to.be.lessThan(1500);
    });

    describe("refuses a keyRef outside the configured vault (SSRF) without any request", () => {
      const v = "0123456789abcdef0123456789abcdef";
      const cases: [string, string, string][] = [
        ["another host", `https://evil.example.com/keys/ekm-key/${v}`, "is not a key of vault 127.0.0.1:58443"],
        ["another port of the vault's host", `https://127.0.0.1:9999/keys/ekm-key/${v}`, "is not a key of vault 127.0.0.1:58443"],
        ["plain http", `http://127.0.0.1:58443/keys/ekm-key/${v}`, "is not a key of vault 127.0.0.1:58443"],
        ["credentials in the URL", `https://user:pw@127.0.0.1:58443/keys/ekm-key/${v}`, "is not a key of vault 127.0.0.1:58443"],
        ["a query string", `https://127.0.0.1:58443/keys/ekm-key/${v}?x=1`, "is not a key of vault 127.0.0.1:58443"],
        ["a versionless key id", "https://127.0.0.1:58443/keys/ekm-key", "is not a versioned key id https://127.0.0.1:58443/keys/<name>/<version>"],
        ["a path outside /keys", `https://127.0.0.1:58443/secrets/ekm-key/${v}`, "is not a versioned key id https://127.0.0.1:58443/keys/<name>/<version>"],
        ["a KMS ARN", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "is not a key of vault 127.0.0.1:58443"],
      ];
      for (const [what, keyRef, problem] of cases) {
        it(`refuses ${what}`, async () => {
          const err = await rejection(customerKey().unwrapDataKey(Buffer.alloc(256, 1), keyRef));
          expect(err.kind).to.equal("invalid-key");
          expect(err.action).to.equal("keyvault:UnwrapKey");
          expect(err.message).to.equal(`keyvault:UnwrapKey refused: ${JSON.stringify(keyRef)} ${problem} — ${problem.startsWith("is not a key") ? "the platform calls only the configured vault; " : ""}pass the keyRef that generateDataKey returned`);
          expect(fake.requests).to.deep.equal([]);
        });
      }
    });

    it("counts every HTTP request with onCall: one GetKey and one WrapKey per data key, and one challenge per client", async () => {
      const key = customerKey();
      for (let i = 0; i < 3; i++) await key.generateDataKey();
      expect(calls).to.deep.equal(["Challenge", "GetKey", "Challenge", "WrapKey", "GetKey", "WrapKey", "GetKey", "WrapKey"]);
    });
  });

  describe("the platform's application credential (ClientSecretCredential through the fake Entra ID)", () => {
    const production = (extra: Partial<AzureCustomerKeyOptions> = {}) => customerKey({ credential: undefined, clientId: APP, clientSecret: SECRET, ...extra });

    it("authenticates with the client secret in the vault's tenant; the secret goes only to the token endpoint", async () => {
      fake.registerApplication(APP, SECRET);
      const checks = await production().validate();
      expect(checks.map((c) => c.status)).to.deep.equal(["ok", "ok", "ok", "ok"]);
      const tokenCalls = fake.requests.filter((r) => r.host === "login.microsoftonline.com");
      expect(tokenCalls.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([`POST /${fake.tenantId}/oauth2/v2.0/token 200`]);
      const form = new URLSearchParams(tokenCalls[0].body);
      expect([form.get("client_id"), form.get("client_secret"), form.get("scope"), form.get("grant_type")]).to.deep.equal([APP, SECRET, KEY_VAULT_SCOPE, "client_credentials"]);
      const vault = fake.requests.filter((r) => r.host === fake.host);
      expect(vault).to.have.length(5);
      for (const r of vault) {
        expect(`${r.body} ${r.authorization ?? ""} ${r.path}`).not.to.contain(SECRET);
      }
      expect(vault.filter((r) => r.authorization !== undefined).every((r) => /^Bearer fake-entra-token-/.test(r.authorization!))).to.equal(true);
    });

    it("reports a rejected client secret as the platform's fault (AADSTS7000215)", async () => {
      fake.registerApplication(APP, "another-secret");
      const checks = await production().validate();
      expect(checks[0]).to.deep.equal({
        name: "keyvault:GetKey",
        status: "failed",
        message:
          "keyvault:GetKey failed: Microsoft Entra ID rejected the platform's own application credentials (AADSTS7000215) — " +
          "fix the platform's client secret (EKM_AZURE_CLIENT_SECRET); the customer's configuration is not at fault",
      });
      expect(checks[0].message).not.to.contain(SECRET);
    });

    it("tells the customer to add the platform's service principal when their tenant has none (AADSTS700016)", async () => {
      fake.registerApplication(APP, SECRET, false);
      const checks = await production().validate();
      expect(checks[0].message).to.equal(
        `keyvault:GetKey failed: the platform's application ${APP} has no service principal in tenant ${fake.tenantId} (AADSTS700016) — ` +
          `an administrator of that tenant must add it (az ad sp create --id ${APP}), then assign that service principal ${GRANT}`,
      );
    });

    it("names the vault's real tenant when the configuration names another, before any token request", async () => {
      fake.registerApplication(APP, SECRET);
      const configured = "0b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9";
      const checks = await production({ tenantId: configured }).validate();
      expect(checks[0].message).to.equal(
        `keyvault:GetKey failed: vault 127.0.0.1:58443 belongs to tenant ${fake.tenantId} (its authentication challenge names it), but the configuration names tenant ${configured} — ` +
          `register the vault's tenant ID (azure.tenantId = ${fake.tenantId})`,
      );
      expect(fake.requests.filter((r) => r.host === "login.microsoftonline.com")).to.deep.equal([]);
    });
  });

  it("adds caCertPem to Node's roots on every request's agent, never turning verification off", async () => {
    const agents: unknown[] = [];
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
    const key = customerKey({
      caCertPem: pem,
      httpClient: {
        sendRequest: (request) => {
          agents.push(request.agent);
          return fake.httpClient.sendRequest(request);
        },
      },
    });
    await key.generateDataKey();
    expect(agents).to.have.length(4);
    const agent = agents[0] as https.Agent & { options: https.AgentOptions };
    expect(agent).to.be.instanceOf(https.Agent);
    expect(agents.every((a) => a === agent)).to.equal(true);
    expect(agent.options.ca).to.deep.equal([...tls.rootCertificates, pem]);
    expect(agent.options.rejectUnauthorized).not.to.equal(false);
  });
});
