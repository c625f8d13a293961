// The `ekm-platform` process with the Azure test flags against the Key Vault emulator process: the
// flags as an operator types them, the loud start-up lines, and a full Azure lifecycle (a refused
// secret, a missing role, registration, content, an outage with the emulator killed, recovery,
// revert) whose every output — responses, events, the platform's stdout and stderr, the SQLite
// files — is then searched for the client secret and for any bearer token.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY_VAULT_DATA_ACTIONS } from "../../../sdk/contract";
import { startAzureCustomer, type AzureCustomer } from "../../support/azureCustomer";
import { clientCredentialsToken } from "../../support/kvEmulator";
import { raw } from "../../support/platform";
import { PROCESS_ADMIN_TOKEN, runPlatformToExit, startPlatformProcess, type PlatformProcess } from "../../support/platformProcess";
import { waitFor } from "../../support/ports";

/** A JWT (what Entra ID, and the emulator, issue as access tokens): three base64url parts, the first two JSON objects. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

describe("ekm-platform process: Azure through the test flags against the Key Vault emulator process", function () {
  this.timeout(180_000);
  let customer: AzureCustomer;
  let dataDir: string;
  let platform: PlatformProcess | undefined;

  before(async () => {
    customer = await startAzureCustomer();
    dataDir = mkdtempSync(join(tmpdir(), "ekm-azure-process-"));
  });
  after(async () => {
    await platform?.stop();
    await customer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses malformed test flags before it starts, naming the flag, the value and the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekm-azure-flags-"));
    try {
      const bad: [string[], string][] = [
        [["--azure-authority-host", "http://127.0.0.1:1"], 'azureTest.authorityHost (--azure-authority-host) received "http://127.0.0.1:1": must use https'],
        [["--vault-endpoint-override", "evil.example.com=127.0.0.1:1"], 'the vault host "evil.example.com" must be a Key Vault host'],
        [["--azure-ca-file", join(dir, "missing.pem")], "cannot read it (ENOENT)"],
      ];
      for (const [args, message] of bad) {
        const run = await runPlatformToExit(dir, { args });
        expect(run.code, args.join(" ")).to.equal(2);
        expect(run.stderr).to.contain(message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the Azure lifecycle with no client secret or token in any response, event, log line or the store", async () => {
    platform = await startPlatformProcess(dataDir, { args: customer.platformArgs(), env: { ...customer.platformEnv(), EKM_BYOK_CACHE_MAX_AGE_MS: "500" } });
    const p = platform;
    const bodies: string[] = [];
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await raw(p.url, method, path, { token, body: body === undefined ? undefined : JSON.stringify(body) });
      bodies.push(typeof res.json === "string" ? res.json : JSON.stringify(res.json));
      return res;
    };
    const created = await call("POST", "/v1/accounts", PROCESS_ADMIN_TOKEN, { name: "secret-scan" });
    const { accountId, token } = created.json as unknown as { accountId: string; token: string };
    const base = `/v1/accounts/${accountId}`;
    const request = customer.byokRequest();
    const encrypt = async (plaintext: string) => (await call("POST", `${base}/content:encrypt`, token, { plaintext: Buffer.from(plaintext).toString("base64") })).json as unknown as { ciphertext: string; keySource: string; keyVersion: string };

    expect((await call("GET", `${base}/key-management/trust`, token)).json).to.deep.include({ azure: { applicationId: customer.clientId } });
    // Failures first: the platform's secret refused at the token endpoint, then a missing role.
    await customer.admin.registerServicePrincipal({ tenantId: customer.tenantId, clientId: customer.clientId, secret: "rotated-elsewhere-0123" });
    const refused = await call("POST", `${base}/key-management/byok:validate`, token, request);
    expect(JSON.stringify(refused.json)).to.contain("AADSTS7000215");
    await customer.admin.registerServicePrincipal({ tenantId: customer.tenantId, clientId: customer.clientId, secret: customer.clientSecret });
    await customer.admin.revoke({ principalId: customer.principalId, vault: customer.vaultName, key: customer.keyName, actions: [KEY_VAULT_DATA_ACTIONS.wrap] });
    const noRole = await call("PUT", `${base}/key-management/byok`, token, request);
    expect(noRole.status).to.equal(422);
    await customer.admin.grant({ principalId: customer.principalId, vault: customer.vaultName, key: customer.keyName, actions: [KEY_VAULT_DATA_ACTIONS.wrap] });
    const put = await call("PUT", `${base}/key-management/byok`, token, request);
    expect(put.status).to.equal(201);
    expect(put.json).to.deep.include({ status: "active", keyVersionInUse: customer.keyVersion });
    const ct = await encrypt("scan me");
    expect([ct.keySource, ct.keyVersion]).to.deep.equal(["byok-azure", customer.keyVersion]);
    await call("POST", `${base}/content:decrypt`, token, { ciphertext: ct.ciphertext });

    // The secret really was used (so this test can fail): the token endpoint refused the old one, then issued tokens.
    const tokenCalls = (await customer.admin.requests()).filter((r) => r.area === "entra" && r.path === `/${customer.tenantId}/oauth2/v2.0/token`);
    expect(tokenCalls.map((r) => r.status)).to.include.members([401, 200]);

    // An outage: the emulator killed; fallback with the reason, a 424 once cached keys expire.
    await customer.emulator.kill();
    await new Promise((r) => setTimeout(r, 600));
    expect((await encrypt("during")).keySource).to.equal("platform");
    expect(((await call("GET", `${base}/key-management`, token)).json as { fallback: { reason: string } }).fallback.reason).to.contain(`could not reach the vault ${customer.vaultHost}`);
    expect((await call("POST", `${base}/content:decrypt`, token, { ciphertext: ct.ciphertext })).status).to.equal(424);
    await customer.restart();
    await waitFor(async () => (await encrypt("after")).keySource === "byok-azure", { what: "BYOK to recover after the emulator restarted", timeoutMs: 20_000, intervalMs: 300 });
    await call("GET", `${base}/key-management/byok`, token);
    expect((await call("DELETE", `${base}/key-management/byok`, token)).status).to.equal(200);
    const events = await call("GET", `${base}/key-management/events?limit=500`, token);
    await p.stop();
    platform = undefined;

    // The pattern finds a real emulator token.
    expect(JWT.test(await clientCredentialsToken({ port: customer.emulator.port, ca: customer.caPem, tenantId: customer.tenantId, clientId: customer.clientId, secret: customer.clientSecret }))).to.equal(true);

    const output = p.proc.tail(1_000_000);
    expect(output.match(/!!! TEST OVERRIDE --[a-z-]+/g)).to.deep.equal(["!!! TEST OVERRIDE --azure-authority-host", "!!! TEST OVERRIDE --vault-endpoint-override", "!!! TEST OVERRIDE --azure-ca-file"]);
    const eventText = JSON.stringify(events.json);
    for (const type of ["byok.fallback", "byok.recovered", "byok.reverted"]) expect(eventText).to.contain(type);
    const store = readdirSync(dataDir).map((f) => ({ f, bytes: readFileSync(join(dataDir, f)) }));
    expect(store.map((s) => s.f)).to.include("platform.db");
    const texts: [string, string][] = [
      ["the platform's stdout and stderr", output],
      ["a response body", bodies.join("\n")],
      ["an event", eventText],
      ...store.map((s): [string, string] => [`store file ${s.f}`, s.bytes.toString("latin1")]),
    ];
    for (const [where, t] of texts) {
      expect(t.includes(customer.clientSecret), `the client secret in ${where}`).to.equal(false);
      expect(t.includes("rotated-elsewhere-0123"), `the refused secret in ${where}`).to.equal(false);
      expect(JWT.exec(t)?.[0], `a bearer token in ${where}`).to.equal(undefined);
    }
    expect(output.split("\n").length).to.be.greaterThan(15);
    expect(bodies.length).to.be.greaterThan(12);
  });
});
