/** Per-account platform key versions, each encrypted at rest under the root key. */
import type { Db } from "./db";

/** A stored platform key version (the key itself still wrapped). */
export interface PlatformKeyRow {
  readonly account_id: string;
  readonly version: number;
  readonly wrapped_key: Buffer;
  readonly created_at: number;
}

/** The newest version of an account's platform key. */
export function currentPlatformKey(db: Db, accountId: string): PlatformKeyRow | undefined {
  return db.prepare("SELECT * FROM platform_keys WHERE account_id = ? ORDER BY version DESC LIMIT 1").get(accountId) as PlatformKeyRow | undefined;
}

/** One version of an account's platform key. */
export function platformKeyVersion(db: Db, accountId: string, version: number): PlatformKeyRow | undefined {
  return db.prepare("SELECT * FROM platform_keys WHERE account_id = ? AND version = ?").get(accountId, version) as PlatformKeyRow | undefined;
}

/** Stores a new version. */
export function insertPlatformKey(db: Db, row: PlatformKeyRow): void {
  db.prepare("INSERT INTO platform_keys (account_id, version, wrapped_key, created_at) VALUES (?, ?, ?, ?)").run(row.account_id, row.version, row.wrapped_key, row.created_at);
}
