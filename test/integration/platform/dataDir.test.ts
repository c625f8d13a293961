// The data dir under the real ekm-platform process: one process per dir (a lock that survives
// kill -9 only as long as its holder), start-up integrity, root key and database that must belong
// together, and private files.
import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPlatformToExit, startPlatformProcess, type PlatformProcess } from "../../support/platformProcess";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const listing = (dir: string) => readdirSync(dir).sort();

describe("platform process: the data dir", function () {
  this.timeout(120_000);
  let dir: string;
  let running: PlatformProcess[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ekm-datadir-"))));
  afterEach(async () => {
    for (const p of running) await p.stop();
    running = [];
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (d = dir, args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const p = await startPlatformProcess(d, { args, env });
    running.push(p);
    return p;
  };

  describe("one process per data dir", () => {
    it("refuses a second process with exit 2, naming the holder's pid and the fix; the first keeps serving", async () => {
      const first = await start();
      const { accountId } = await first.admin.createAccount({ name: "first" });
      const second = await runPlatformToExit(dir);
      expect(second.code).to.equal(2);
      expect(second.stderr).to.equal(
        `ekm-platform: another ekm-platform (pid ${first.pid}) is running on --data-dir ${dir} (it holds ${join(dir, "platform.lock")}): stop that process, or give this one another --data-dir. ` +
          "Several platform instances behind one address need a store built for that, not one shared SQLite file\n",
      );
      expect(readFileSync(join(dir, "platform.pid"), "utf8")).to.equal(`${first.pid}\n`);
      expect((await first.admin.getKeyManagement(accountId)).mode).to.equal("platform-managed");
    });

    it("starts two processes at once on a fresh dir: exactly one runs, the other is refused before any migration", async () => {
      const results = await Promise.allSettled([start(), start()]);
      const ok = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok.length, "one runs").to.equal(1);
      expect(refused.length, "one is refused").to.equal(1);
      expect(String(refused[0].reason)).to.match(/exited early \(code 2, signal null\)[\s\S]*another ekm-platform \(pid \d+\) is running on --data-dir/);
      expect(String(refused[0].reason)).to.not.contain("already exists");
    });

    it("takes the lock over after kill -9 of its holder (the stale pid file does not block)", async () => {
      const first = await start();
      const { accountId } = await first.admin.createAccount();
      await first.kill9();
      running = [];
      expect(readFileSync(join(dir, "platform.pid"), "utf8"), "the dead holder's pid file is left").to.equal(`${first.pid}\n`);
      const second = await start();
      expect(readFileSync(join(dir, "platform.pid"), "utf8")).to.equal(`${second.pid}\n`);
      expect((await second.admin.getKeyManagement(accountId)).accountId).to.equal(accountId);
      await second.stop();
      running = [];
      expect(existsSync(join(dir, "platform.pid")), "a clean stop removes the pid file").to.equal(false);
    });
  });

  describe("start-up", () => {
    it("creates the database, its WAL files, the lock and the root key 0600", async () => {
      const p = await start();
      await p.admin.createAccount();
      for (const f of ["platform.db", "platform.db-wal", "platform.db-shm", "platform.lock", "platform.pid", "root.key"]) {
        expect(statSync(join(dir, f)).mode & 0o777, f).to.equal(0o600);
      }
    });

    it("refuses a damaged database page with the fix, writing nothing", async () => {
      const p = await start();
      const { accountId, token } = await p.admin.createAccount();
      for (let i = 0; i < 50; i++) await p.client(token).encryptContent(accountId, `message ${i}`);
      await p.stop();
      running = [];
      const db = join(dir, "platform.db");
      // Overwrite the last page (a b-tree page of the data) with noise.
      const size = statSync(db).size;
      const fd = openSync(db, "r+");
      writeSync(fd, randomBytes(4096), 0, 4096, size - 4096);
      closeSync(fd);
      const before = { files: listing(dir), db: sha(db) };
      const r = await runPlatformToExit(dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(
        new RegExp(`^ekm-platform: ${db.replace(/[.]/g, "\\.")} failed its integrity check \\(.+\\): stop every platform on this data dir, restore platform\\.db from your last backup \\(remove platform\\.db-wal and platform\\.db-shm with it\\), then start again\\. Nothing was written\\n$`),
      );
      expect({ files: listing(dir).filter((f) => f !== "platform.db-wal" && f !== "platform.db-shm"), db: sha(db) }).to.deep.equal({ files: before.files, db: before.db });
    });

    it("refuses a database whose root.key was deleted, and writes no new key", async () => {
      const p = await start();
      await p.admin.createAccount();
      await p.stop();
      running = [];
      rmSync(join(dir, "root.key"));
      const db = sha(join(dir, "platform.db"));
      const r = await runPlatformToExit(dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        `ekm-platform: ${join(dir, "platform.db")} exists but its root key does not (${join(dir, "root.key")} is missing and EKM_ROOT_KEY is unset): restore root.key from your backup or set EKM_ROOT_KEY to the original key; without it the stored keys cannot be decrypted. Nothing was written\n`,
      );
      expect(existsSync(join(dir, "root.key")), "no new root key").to.equal(false);
      expect(sha(join(dir, "platform.db"))).to.equal(db);
    });

    it("refuses a root key without its database unless --init says new platform", async () => {
      const p = await start();
      const { accountId } = await p.admin.createAccount();
      await p.stop();
      running = [];
      for (const f of ["platform.db", "platform.db-wal", "platform.db-shm"]) rmSync(join(dir, f), { force: true });
      const key = sha(join(dir, "root.key"));
      const r = await runPlatformToExit(dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        `ekm-platform: found a root key (${join(dir, "root.key")}) but no database ${join(dir, "platform.db")}: restore platform.db (with its -wal file) from your backup; or, to start a new, empty platform under this root key, pass --init. Nothing was written\n`,
      );
      expect(listing(dir)).to.deep.equal(["platform.lock", "root.key"]);

      const fresh = await start(dir, ["--init"]);
      expect(sha(join(dir, "root.key")), "--init keeps the root key").to.equal(key);
      const gone = await fresh.admin.getKeyManagement(accountId).then(
        () => "found",
        (e: Error) => e.message,
      );
      expect(gone).to.contain(`account ${accountId} not found`);
      await fresh.stop();
      running = [];
      const again = await runPlatformToExit(dir, { args: ["--init"] });
      expect(again.code).to.equal(2);
      expect(again.stderr).to.equal(`ekm-platform: --init asks for a new platform, but ${join(dir, "platform.db")} exists: drop --init to run this platform, or give a new platform an empty --data-dir\n`);
    });

    it("refuses EKM_ROOT_KEY on an empty data dir unless --init, then runs on it", async () => {
      const key = randomBytes(32).toString("base64");
      const r = await runPlatformToExit(dir, { env: { EKM_ROOT_KEY: key } });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        `ekm-platform: found a root key (EKM_ROOT_KEY) but no database ${join(dir, "platform.db")}: restore platform.db (with its -wal file) from your backup; or, to start a new, empty platform under this root key, pass --init. Nothing was written\n`,
      );
      const p = await start(dir, ["--init"], { EKM_ROOT_KEY: key });
      await p.admin.createAccount();
      expect(existsSync(join(dir, "root.key")), "no key file when EKM_ROOT_KEY is set").to.equal(false);
    });
  });
});
