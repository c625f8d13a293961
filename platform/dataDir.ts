/**
 * Opening a data dir, in an order that never writes to the wrong place: take the data dir's lock,
 * decide whether this is a new platform or an existing one (the root key and the database must
 * both be there, or neither, unless `init` says "new platform" for a root key without a
 * database), check the database's integrity and that the root key opens its canary, and only then
 * set pragmas, migrate and write.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkRootKey, createRootKeyFile, readRootKey, rootKeySource, writeRootKeyCanary, type RootKeySource } from "./crypto/rootKey";
import { DB_FILE, openDb, prepareForWrites, type Db } from "./store/db";
import { lockDataDir } from "./store/dataDirLock";

/** How to open a data dir. */
export interface OpenDataDirOptions {
  /** Base64 root key from `EKM_ROOT_KEY`; else `<dataDir>/root.key`. */
  readonly rootKey?: string;
  /** "New platform": start an empty database under an existing root key (`--init`). */
  readonly init?: boolean;
}

/** An open, locked, checked data dir. */
export interface OpenDataDir {
  readonly db: Db;
  readonly rootKey: Buffer;
  /** Closes the store and releases the lock. */
  close(): void;
}

/** Locks, checks and opens `dataDir`; throws with the fix when the parts do not belong together. */
export function openDataDir(dataDir: string, options: OpenDataDirOptions = {}): OpenDataDir {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(dataDir);
  try {
    const { db, rootKey } = openChecked(dataDir, options);
    return {
      db,
      rootKey,
      close: () => {
        db.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

function openChecked(dataDir: string, options: OpenDataDirOptions): { db: Db; rootKey: Buffer } {
  const dbPath = join(dataDir, DB_FILE);
  const dbExists = existsSync(dbPath) && statSync(dbPath).size > 0;
  const source = rootKeySource(dataDir, options.rootKey);
  refuseMismatch(dbPath, dbExists, source, options.init === true);
  const rootKey = source.kind === "none" ? createRootKeyFile(source.path) : readRootKey(source);
  const db = openDb(dataDir);
  try {
    if (dbExists) {
      checkIntegrity(db, dbPath);
      checkRootKey(db, rootKey);
    }
    prepareForWrites(db);
    writeRootKeyCanary(db, rootKey);
    return { db, rootKey };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Refuses a root key without its database, a database without its root key, and `init` over an existing database. */
function refuseMismatch(dbPath: string, dbExists: boolean, source: RootKeySource, init: boolean): void {
  const where = source.kind === "env" ? "EKM_ROOT_KEY" : source.path;
  if (dbExists && init) throw new Error(`--init asks for a new platform, but ${dbPath} exists: drop --init to run this platform, or give a new platform an empty --data-dir`);
  if (dbExists && source.kind === "none") {
    throw new Error(
      `${dbPath} exists but its root key does not (${source.path} is missing and EKM_ROOT_KEY is unset): restore root.key from your backup or set EKM_ROOT_KEY to the original key; without it the stored keys cannot be decrypted. Nothing was written`,
    );
  }
  if (!dbExists && source.kind !== "none" && !init) {
    throw new Error(
      `found a root key (${where}) but no database ${dbPath}: restore platform.db (with its -wal file) from your backup; or, to start a new, empty platform under this root key, pass --init. Nothing was written`,
    );
  }
}

/** SQLite's quick integrity check (https://www.sqlite.org/pragma.html#pragma_quick_check), before anything is written. */
function checkIntegrity(db: Db, dbPath: string): void {
  let problems: string[];
  try {
    problems = (db.prepare("PRAGMA quick_check(5)").all() as { quick_check: string }[])
      .map((r) => r.quick_check.replace(/\*\*\* in database main \*\*\*/g, "").replace(/\s+/g, " ").trim())
      .filter((r) => r !== "ok");
  } catch (err) {
    problems = [(err as Error).message];
  }
  if (problems.length > 0) {
    throw new Error(
      `${dbPath} failed its integrity check (${problems.join("; ")}): stop every platform on this data dir, restore platform.db from your last backup (remove platform.db-wal and platform.db-shm with it), then start again. Nothing was written`,
    );
  }
}
