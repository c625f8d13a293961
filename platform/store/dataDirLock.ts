/**
 * One process per data dir. The lock is an OS-level one that dies with its holder: an open write
 * transaction (SQLite's RESERVED lock, a POSIX advisory lock the kernel drops when the process
 * exits, `kill -9` included; https://www.sqlite.org/lockingv3.html) on `<dataDir>/platform.lock`.
 * The holder's pid goes into `<dataDir>/platform.pid` once it holds the lock; that file only names
 * the holder in the refusal, it is not the lock (a stale pid file after a crash is simply
 * overwritten by the next holder).
 */
import { chmodSync, closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { loadSqlite } from "./sqlite";

/** The file whose lock is held while a platform runs on the data dir. */
export const LOCK_FILE = "platform.lock";
/** The file naming the holder's pid. */
export const PID_FILE = "platform.pid";

/** A held lock; `release` on clean shutdown (a crash releases it too). */
export interface DataDirLock {
  release(): void;
}

/** Takes the data dir's lock, or throws naming the holder's pid and the fix. Never waits. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = join(dataDir, LOCK_FILE);
  // Created 0600 before SQLite opens it, so the lock file is as private as the store.
  closeSync(openSync(lockPath, "a", 0o600));
  chmodSync(lockPath, 0o600);
  const { DatabaseSync } = loadSqlite();
  const db: DatabaseSync = new DatabaseSync(lockPath, { timeout: 0 });
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (err) {
    db.close();
    if (!/locked|busy/i.test((err as Error).message)) throw err;
    throw new Error(
      `another ekm-platform (pid ${holderPid(dataDir) ?? "unknown"}) is running on --data-dir ${dataDir} (it holds ${lockPath}): stop that process, or give this one another --data-dir. ` +
        "Several platform instances behind one address need a store built for that, not one shared SQLite file",
    );
  }
  const pidPath = join(dataDir, PID_FILE);
  const tmp = `${pidPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  renameSync(tmp, pidPath);
  return {
    release: () => {
      if (!db.isOpen) return;
      rmSync(pidPath, { force: true });
      db.close();
    },
  };
}

/** The pid the pid file names, if it is readable. */
function holderPid(dataDir: string): number | undefined {
  try {
    const n = Number(readFileSync(join(dataDir, PID_FILE), "utf8").trim());
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
