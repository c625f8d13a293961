/**
 * Opens the platform's SQLite database (WAL, synchronous FULL) and applies migrations.
 *
 * The store is `node:sqlite`, built into Node 22.13+ and 24: no native build, no install
 * script, nothing for a customer's install to compile. `Db` is a thin wrapper that gives the
 * stores the two things `DatabaseSync` lacks (a transaction helper and Buffer blobs).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { MIGRATIONS } from "./migrations";
import { loadSqlite } from "./sqlite";

/** A value a statement accepts as a parameter. */
export type SqlValue = SQLInputValue;
/** Positional parameters, or one object of named ones. */
type Params = SqlValue[] | [Record<string, SqlValue>];

/** A prepared statement whose BLOB columns come back as Buffers. */
export interface Statement {
  run(...params: Params): { changes: number; lastInsertRowid: number };
  /** The first row, or undefined; callers cast it to their row type. */
  get(...params: Params): unknown;
  /** Every row; callers cast them to their row type. */
  all(...params: Params): unknown[];
}

/** The open database handle. */
export class Db {
  private depth = 0;
  constructor(private readonly raw: DatabaseSync) {}

  /** Prepares `sql`; rows read through it have Buffer blobs, as the stores expect. */
  prepare(sql: string): Statement {
    const stmt: StatementSync = this.raw.prepare(sql);
    return {
      run: (...params) => {
        const r = stmt.run(...(params as SqlValue[]));
        return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
      },
      get: (...params) => {
        const row = stmt.get(...(params as SqlValue[]));
        return row === undefined ? undefined : withBuffers(row as Record<string, unknown>);
      },
      all: (...params) => stmt.all(...(params as SqlValue[])).map((row) => withBuffers(row as Record<string, unknown>)),
    };
  }

  /** True inside a transaction (the stores assert it for writes that must be atomic). */
  get inTransaction(): boolean {
    return this.raw.isTransaction;
  }

  /** Runs SQL with no result (schema changes, pragmas). */
  exec(sql: string): void {
    this.raw.exec(sql);
  }

  /** Reads one pragma's value. */
  pragmaValue(name: string): unknown {
    const row = this.raw.prepare(`PRAGMA ${name}`).get() as Record<string, unknown> | undefined;
    return row === undefined ? undefined : Object.values(row)[0];
  }

  /**
   * Wraps `fn` in a transaction (IMMEDIATE, so two writers never deadlock on upgrade); nested
   * calls join the outer one, like better-sqlite3's helper. A throw rolls everything back.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      if (this.depth > 0) return fn(...args);
      this.raw.exec("BEGIN IMMEDIATE");
      this.depth++;
      try {
        const result = fn(...args);
        this.raw.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.raw.isTransaction) this.raw.exec("ROLLBACK");
        throw err;
      } finally {
        this.depth--;
      }
    };
  }

  close(): void {
    if (this.raw.isOpen) this.raw.close();
  }
}

function withBuffers(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  return out;
}

/** The store's file name inside the data dir. */
export const DB_FILE = "platform.db";

/** The database file and the files SQLite keeps beside it in WAL mode. */
export function dbFiles(dataDir: string): string[] {
  const db = join(dataDir, DB_FILE);
  return [db, `${db}-wal`, `${db}-shm`];
}

/**
 * Opens the database file (created 0600 when absent: SQLite gives its -wal and -shm files the
 * mode of the database file) without writing to it.
 */
export function openDb(dataDir: string): Db {
  const path = join(dataDir, DB_FILE);
  closeSync(openSync(path, "a", 0o600));
  for (const f of dbFiles(dataDir)) if (existsSync(f)) chmodSync(f, 0o600);
  const db = new Db(new (loadSqlite().DatabaseSync)(path));
  db.exec("PRAGMA busy_timeout = 5000");
  return db;
}

/** Sets the durability pragmas and migrates to the newest schema. */
export function prepareForWrites(db: Db): void {
  // WAL lets reads run beside the writer; FULL makes every commit durable before we answer
  // (https://www.sqlite.org/pragma.html#pragma_synchronous), so a kill -9 loses nothing acknowledged.
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db);
}

/** Opens `<dataDir>/platform.db`, creating the directory, and migrates it to the newest schema. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = openDb(dataDir);
  prepareForWrites(db);
  return db;
}

/** Applies every migration newer than `user_version`, each in its own transaction. */
export function migrate(db: Db): number {
  const current = Number(db.pragmaValue("user_version"));
  if (current > MIGRATIONS.length) {
    throw new Error(`the database schema is version ${current}, newer than this platform (${MIGRATIONS.length}): run a newer ekm-platform or use another --data-dir`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
