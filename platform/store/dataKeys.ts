/** Data keys: each stored wrapped by the key that protects it (platform key version, KMS key or vault key version). */
import type { KeySource } from "../../sdk/schemas";
import type { Db } from "./db";

/** A stored data key. `key_ref` names the wrapping key: `platform:<version>`, a KMS key ARN, or a vault key id with version. */
export interface DataKeyRow {
  readonly id: string;
  readonly account_id: string;
  readonly source: KeySource;
  readonly key_ref: string;
  readonly key_version: string;
  readonly wrapped_key: Buffer;
  readonly created_at: number;
  readonly unreadable: number;
  readonly messages: number;
  /** JSON `{provider, reference}` of the customer key that wrapped a BYOK data key; null for platform keys. */
  readonly wrap_config: string | null;
}

/** Stores a data key. Callers commit this before any ciphertext uses it. */
export function insertDataKey(db: Db, row: Omit<DataKeyRow, "unreadable" | "messages" | "wrap_config"> & { wrap_config?: string | null }): void {
  db.prepare("INSERT INTO data_keys (id, account_id, source, key_ref, key_version, wrapped_key, created_at, wrap_config) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    row.id,
    row.account_id,
    row.source,
    row.key_ref,
    row.key_version,
    row.wrapped_key,
    row.created_at,
    row.wrap_config ?? null,
  );
}

/** Reads a data key of one account; another account's key is simply not found. */
export function dataKeyById(db: Db, accountId: string, id: string): DataKeyRow | undefined {
  return db.prepare("SELECT * FROM data_keys WHERE id = ? AND account_id = ?").get(id, accountId) as DataKeyRow | undefined;
}

/** Adds to the message count of a data key (for revert reports). */
export function addMessages(db: Db, id: string, count: number): void {
  db.prepare("UPDATE data_keys SET messages = messages + ? WHERE id = ?").run(count, id);
}

/** A batch of an account's data keys still wrapped by a customer key. */
export function byokDataKeys(db: Db, accountId: string, limit: number): DataKeyRow[] {
  return db.prepare("SELECT * FROM data_keys WHERE account_id = ? AND source != 'platform' AND unreadable = 0 ORDER BY created_at, id LIMIT ?").all(accountId, limit) as DataKeyRow[];
}

/** Counts the account's customer-wrapped data keys and the messages under them. */
export function countByokDataKeys(db: Db, accountId: string): { keys: number; messages: number } {
  const r = db.prepare("SELECT COUNT(*) AS keys, COALESCE(SUM(messages), 0) AS messages FROM data_keys WHERE account_id = ? AND source != 'platform' AND unreadable = 0").get(accountId) as {
    keys: number;
    messages: number;
  };
  return r;
}

/** Replaces a data key's wrapping (re-wrap under the platform key). */
export function rewrapDataKey(db: Db, id: string, source: KeySource, keyRef: string, keyVersion: string, wrapped: Buffer): void {
  db.prepare("UPDATE data_keys SET source = ?, key_ref = ?, key_version = ?, wrapped_key = ?, wrap_config = NULL WHERE id = ?").run(source, keyRef, keyVersion, wrapped, id);
}

/** Marks a data key whose customer key no longer unwraps it. */
export function markUnreadable(db: Db, id: string): void {
  db.prepare("UPDATE data_keys SET unreadable = 1 WHERE id = ?").run(id);
}
