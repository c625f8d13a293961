// kill -9 the real ekm-platform process mid-stream: every acknowledged ciphertext still decrypts after restart.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlatformClient } from "../../../sdk";

const BIN = join(__dirname, "..", "..", "..", "dist", "platform", "bin", "ekm-platform.js");
const ADMIN = "durability-admin-token-0123456789";

function start(dataDir: string, rootKey = "", args: string[] = []): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [BIN, "--port", "0", "--data-dir", dataDir, ...args], { env: { ...process.env, EKM_ADMIN_TOKEN: ADMIN, EKM_ROOT_KEY: rootKey }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    proc.once("exit", (code) => reject(new Error(`ekm-platform exited with ${code} before listening: ${err}`)));
  });
}

describe("platform: durability across kill -9", function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(join(tmpdir(), "ekm-durable-"));
  let proc: ChildProcess | undefined;
  after(() => {
    proc?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints its URL, keeps every acknowledged ciphertext and every event after SIGKILL and restart", async () => {
    const first = await start(dataDir);
    proc = first.proc;
    expect(first.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(join(dataDir, "root.key")).mode & 0o777, "root key is private").to.equal(0o600);

    const admin = new PlatformClient({ baseUrl: first.url, token: ADMIN });
    const { accountId, token } = await admin.createAccount({ name: "durable" });
    const client = new PlatformClient({ baseUrl: first.url, token, retry: { maxAttempts: 1 }, timeoutMs: 2000 });

    // A stream of encrypts in flight; the process dies in the middle of it.
    const acknowledged: { ciphertext: string; plaintext: string }[] = [];
    let i = 0;
    let stop = false;
    const writers = [0, 1, 2, 3].map(async () => {
      while (!stop) {
        const plaintext = `message ${i++}`;
        try {
          const r = await client.encryptContent(accountId, plaintext);
          acknowledged.push({ ciphertext: r.ciphertext, plaintext });
        } catch {
          return; // the server is gone: this one was never acknowledged
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const eventsBefore = (await client.listEvents(accountId)).events;
    first.proc.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).to.be.greaterThan(10);

    const second = await start(dataDir);
    proc = second.proc;
    const again = new PlatformClient({ baseUrl: second.url, token });
    for (const { ciphertext, plaintext } of acknowledged) {
      const r = await again.decryptContent(accountId, ciphertext);
      expect(Buffer.from(r.plaintext, "base64").toString()).to.equal(plaintext);
    }
    const eventsAfter = (await again.listEvents(accountId)).events;
    expect(eventsAfter.slice(0, eventsBefore.length)).to.deep.equal(eventsBefore);
    second.proc.kill("SIGTERM");
    await new Promise((r) => second.proc.once("exit", r));
    proc = undefined;
  });

  it("takes the root key from EKM_ROOT_KEY, and refuses to start with a different one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekm-rootkey-"));
    try {
      const key = randomBytes(32).toString("base64");
      // A root key without a database is a new platform only when --init says so.
      const first = await start(dir, key, ["--init"]);
      const admin = new PlatformClient({ baseUrl: first.url, token: ADMIN });
      const { accountId, token } = await admin.createAccount();
      const ct = await new PlatformClient({ baseUrl: first.url, token }).encryptContent(accountId, "under the env root key");
      first.proc.kill("SIGTERM");
      await new Promise((r) => first.proc.once("exit", r));
      expect(existsSync(join(dir, "root.key")), "no key file when EKM_ROOT_KEY is set").to.equal(false);

      const wrong = await start(dir, randomBytes(32).toString("base64")).then(
        () => "started",
        (e: Error) => e.message,
      );
      expect(wrong).to.contain("the root key does not match the one this data dir was created with: set EKM_ROOT_KEY to the original key");

      const again = await start(dir, key);
      const pt = await new PlatformClient({ baseUrl: again.url, token }).decryptContent(accountId, ct.ciphertext);
      expect(Buffer.from(pt.plaintext, "base64").toString()).to.equal("under the env root key");
      again.proc.kill("SIGTERM");
      await new Promise((r) => again.proc.once("exit", r));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start without an admin token, naming the fix", async () => {
    const proc2 = spawn(process.execPath, [BIN, "--port", "0", "--data-dir", dataDir], { env: { ...process.env, EKM_ADMIN_TOKEN: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    proc2.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => proc2.once("exit", r));
    expect(code).to.equal(2);
    expect(err).to.equal('ekm-platform: EKM_ADMIN_TOKEN must be set to a secret of at least 16 characters: export EKM_ADMIN_TOKEN="$(openssl rand -hex 24)"\n');
  });
});
