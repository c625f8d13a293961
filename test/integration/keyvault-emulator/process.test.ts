// The emulator as a process: ready line, TLS trusted only through its CA, SIGTERM, a restart that
// keeps keys, principals, grants, the CA and tokens; injected faults; malformed and random input.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKeyVaultEmulator, type RunningEmulator } from "../../../testing/keyvault-emulator";
import { clientCredentialsToken, httpsCall } from "../../support/kvEmulator";

const TENANT = "11111111-2222-4333-8444-555555555555";
const CLIENT_ID = "99999999-8888-4777-8666-555555555555";
const SECRET = "process-test-secret";

describe("Key Vault emulator process", function () {
  this.timeout(120_000);
  let dataDir: string;
  let emu: RunningEmulator;
  let token: string;
  const vaultCall = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    httpsCall({ port: emu.port, host: "127.0.0.1", method, path, ca: emu.caPem, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...extra }, body: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body) });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kv-process-"));
    emu = await startKeyVaultEmulator({ dataDir, tenantId: TENANT });
    const sp = await emu.admin.registerServicePrincipal({ tenantId: TENANT, clientId: CLIENT_ID, secret: SECRET });
    await emu.admin.grant({ principalId: sp.objectId, vault: "default", actions: "*" });
    token = await clientCredentialsToken({ port: emu.port, ca: emu.caPem, tenantId: TENANT, clientId: CLIENT_ID, secret: SECRET });
  });
  after(async () => {
    await emu?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints its URL and CA path, keeps secrets in 0600 files, and is trusted only through its CA", async () => {
    expect(emu.output()).to.match(new RegExp(`^ekm-keyvault-emulator listening on https://127\\.0\\.0\\.1:${emu.port} ca=${join(dataDir, "ca.pem")} admin-token=${join(dataDir, "admin-token")}\\n`));
    for (const f of ["ca-key.pem", "server-key.pem", "admin-token", "state.json"]) expect(statSync(join(dataDir, f)).mode & 0o777, f).to.equal(0o600);
    const untrusted = await new Promise<string>((resolve) => {
      const req = request({ host: "127.0.0.1", port: emu.port, path: "/keys?api-version=7.5", agent: false }, () => resolve("answered"));
      req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end();
    });
    expect(untrusted).to.equal("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("keeps keys, the CA, principals, grants and issued tokens across a restart on the same port", async () => {
    const created = await vaultCall("POST", "/keys/durable/create?api-version=2025-07-01", { kty: "RSA", key_size: 2048 });
    expect(created.status).to.equal(200);
    const wrapped = await vaultCall("POST", "/keys/durable/wrapkey?api-version=2025-07-01", { alg: "RSA-OAEP-256", value: Buffer.alloc(32, 9).toString("base64url") });
    const caBefore = emu.caPem;
    const port = emu.port;
    expect(await emu.stop()).to.equal(0);
    expect(emu.output()).to.contain("ekm-keyvault-emulator: SIGTERM, stopping");
    const down = await vaultCall("GET", "/keys/durable?api-version=2025-07-01").then(() => "answered", (e: NodeJS.ErrnoException) => e.code);
    expect(down).to.equal("ECONNREFUSED");
    emu = await startKeyVaultEmulator({ dataDir, port });
    expect(emu.caPem).to.equal(caBefore);
    const unwrapped = await vaultCall("POST", `/keys/durable/${(created.json as { key: { kid: string } }).key.kid.split("/").pop()}/unwrapkey?api-version=2025-07-01`, { alg: "RSA-OAEP-256", value: (wrapped.json as { value: string }).value });
    expect(unwrapped.status).to.equal(200);
    expect((unwrapped.json as { value: string }).value).to.equal(Buffer.alloc(32, 9).toString("base64url"));
  });

  it("survives kill -9: every acknowledged key is in the state file", async () => {
    const created = await vaultCall("POST", "/keys/crash/create?api-version=7.5", { kty: "RSA" });
    expect(created.status).to.equal(200);
    await emu.kill();
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")) as { vaults: { default: { keys: Record<string, unknown> } } };
    expect(Object.keys(state.vaults.default.keys)).to.include("crash");
    emu = await startKeyVaultEmulator({ dataDir });
    expect((await vaultCall("GET", "/keys/crash?api-version=7.5")).status).to.equal(200);
  });

  it("injects 429 with Retry-After, 503, a hang and a connection reset, and ends them on request", async () => {
    await emu.admin.injectFault({ kind: "status", status: 429, retryAfterSeconds: 7, count: 1 });
    const throttled = await vaultCall("GET", "/keys/crash?api-version=7.5");
    expect([throttled.status, throttled.headers["retry-after"], (throttled.json as { error: { code: string } }).error.code]).to.deep.equal([429, "7", "Throttled"]);
    expect((await vaultCall("GET", "/keys/crash?api-version=7.5")).status).to.equal(200);

    await emu.admin.injectFault({ kind: "status", status: 503 });
    expect((await vaultCall("GET", "/keys/crash?api-version=7.5")).status).to.equal(503);
    expect((await vaultCall("GET", "/keys/crash?api-version=7.5")).status).to.equal(503);
    // Entra keeps answering during a vault outage.
    expect(await clientCredentialsToken({ port: emu.port, ca: emu.caPem, tenantId: TENANT, clientId: CLIENT_ID, secret: SECRET })).to.be.a("string");
    await emu.admin.clearFaults();

    await emu.admin.injectFault({ kind: "hang", count: 1 });
    const hang = await httpsCall({ port: emu.port, host: "127.0.0.1", method: "GET", path: "/keys/crash?api-version=7.5", ca: emu.caPem, headers: { authorization: `Bearer ${token}` }, timeoutMs: 500 }).then(
      () => "answered",
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(hang).to.equal("ETIMEDOUT");

    await emu.admin.injectFault({ kind: "reset", count: 1 });
    const reset = await vaultCall("GET", "/keys/crash?api-version=7.5").then(() => "answered", (e: NodeJS.ErrnoException) => e.code);
    expect(reset).to.equal("ECONNRESET");
    expect((await vaultCall("GET", "/keys/crash?api-version=7.5")).status).to.equal(200);
  });

  it("answers malformed requests with Key Vault's 400s", async () => {
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/keys/bad/create?api-version=7.5", "{not json", 400, "BadParameter"],
      ["POST", "/keys/bad/create?api-version=7.5", [1, 2], 400, "BadParameter"],
      ["POST", "/keys/bad/create?api-version=7.5", { kty: "RSA", key_size: 1024 }, 400, "BadParameter"],
      ["POST", "/keys/bad/create?api-version=7.5", { kty: "oct" }, 400, "BadParameter"],
      ["POST", "/keys/bad_name/create?api-version=7.5", { kty: "RSA" }, 400, "BadParameter"],
      ["POST", "/keys/bad/create?api-version=1999-01-01", { kty: "RSA" }, 400, "BadParameter"],
      ["POST", "/keys/bad/create", { kty: "RSA" }, 400, "BadParameter"],
      ["POST", "/keys/crash/wrapkey?api-version=7.5", { alg: "RSA-OAEP-256", value: "!!!" }, 400, "BadParameter"],
      ["POST", "/keys/crash/wrapkey?api-version=7.5", { alg: "A256KW", value: "AAAA" }, 400, "BadParameter"],
      ["POST", "/keys/crash/wrapkey?api-version=7.5", { alg: "RSA-OAEP-256", value: randomBytes(400).toString("base64url") }, 400, "BadParameter"],
      ["POST", "/keys/crash/unwrapkey?api-version=7.5", { alg: "RSA-OAEP-256", value: randomBytes(256).toString("base64url") }, 400, "BadParameter"],
      ["PUT", "/keys/crash/rotationpolicy?api-version=7.5", { attributes: { expiryTime: "P7D" } }, 400, "BadParameter"],
      ["POST", "/keys/restore?api-version=7.5", { value: "bm9uLWV4aXN0aW5n" }, 400, "Malformed backup blob"],
    ];
    for (const [method, path, body, status, code] of cases) {
      const a = await vaultCall(method, path, body);
      expect([a.status, (a.json as { error?: { code?: string } } | undefined)?.error?.code], `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`).to.deep.equal([status, code]);
    }
  });

  it("never crashes on random input (fuzz)", async () => {
    const paths = ["/keys/crash/create", "/keys/crash", "/keys/crash/wrapkey", "/keys/crash/unwrapkey", "/keys/crash/rotationpolicy", "/keys/restore", "/deletedkeys/crash/recover", `/${TENANT}/oauth2/v2.0/token`, "/_emulator/grants", "/keys/%E0%A4%A/x"];
    const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    const junk = () => {
      const r = randomBytes(1)[0] % 6;
      if (r === 0) return randomBytes(64).toString("latin1");
      if (r === 1) return JSON.stringify({ kty: randomBytes(3).toString("hex"), key_size: -1, attributes: { exp: "soon", nbf: 1e300 }, key_ops: [null], tags: { a: 1 } });
      if (r === 2) return JSON.stringify({ alg: "RSA-OAEP", value: randomBytes(300).toString("base64url") });
      if (r === 3) return JSON.stringify({ lifetimeActions: [{ trigger: { timeAfterCreate: "PXD" }, action: null }], attributes: 5 });
      if (r === 4) return "null";
      return JSON.stringify({ value: randomBytes(50).toString("base64") });
    };
    for (let i = 0; i < 150; i++) {
      const a = await vaultCall(methods[i % methods.length], `${paths[i % paths.length]}?api-version=7.5`, junk(), i % 7 === 0 ? { authorization: "Bearer x.y.z" } : {});
      expect(a.status, `${methods[i % methods.length]} ${paths[i % paths.length]}`).to.be.within(200, 499);
    }
    expect(emu.process.exitCode).to.equal(null);
    expect((await vaultCall("GET", "/keys/crash?api-version=7.5")).status).to.equal(200);
    expect(emu.output(), emu.output()).to.not.contain("internal error");
  });
});
