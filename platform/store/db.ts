/** Opens the platform's SQLite database (WAL, synchronous FULL) and applies migrations. */
import type Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./migrations";

/** The open database handle. */
export type Db = Database.Database;

/** Opens `<dataDir>/platform.db`, creating the directory, and migrates it to the newest schema. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new (loadSqlite())(join(dataDir, "platform.db"));
  // WAL lets reads run beside the writer; FULL makes every commit durable before we answer
  // (https://www.sqlite.org/pragma.html#pragma_synchronous), so a kill -9 loses nothing acknowledged.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

/** Applies every migration newer than `user_version`, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database schema is version ${current}, newer than this platform (${MIGRATIONS.length}): run a newer ekm-platform or use another --data-dir`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}

/**
 * better-sqlite3 is an optional dependency: programs that only use the components and the
 * dynamic provider never load it, so its native build may fail without breaking their install.
 */
function loadSqlite(): typeof Database {
  try {
    return require("better-sqlite3") as typeof Database;
  } catch (err) {
    throw new Error(`the local platform needs better-sqlite3 (${(err as Error).message.split("\n")[0]}): run "npm install better-sqlite3@12" (Node 20) with a C++ toolchain`);
  }
}
