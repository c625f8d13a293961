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
  /** 1 when `messages` is the exact count; 0 when it is a reservation (an upper bound). */
  readonly counted_exactly: number;
}

/** Stores a data key. Callers commit this before any ciphertext uses it. */
export function insertDataKey(
  db: Db,
  row: Omit<DataKeyRow, "unreadable" | "messages" | "wrap_config" | "counted_exactly"> & { wrap_config?: string | null; reservedMessages?: number },
): void {
  const reserved = row.reservedMessages ?? 0;
  db.prepare("INSERT INTO data_keys (id, account_id, source, key_ref, key_version, wrapped_key, created_at, wrap_config, messages, counted_exactly) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
    row.id,
    row.account_id,
    row.source,
    row.key_ref,
    row.key_version,
    row.wrapped_key,
    row.created_at,
    row.wrap_config ?? null,
    reserved,
    reserved > 0 ? 0 : 1,
  );
}

/** Reads a data key of one account; another account's key is simply not found. */
export function dataKeyById(db: Db, accountId: string, id: string): DataKeyRow | undefined {
  return db.prepare("SELECT * FROM data_keys WHERE id = ? AND account_id = ?").get(id, accountId) as DataKeyRow | undefined;
}

/** Raises a data key's count to a reservation of `total` messages, an upper bound (for revert reports). */
export function reserveMessages(db: Db, id: string, total: number): void {
  db.prepare("UPDATE data_keys SET messages = MAX(messages, ?), counted_exactly = 0 WHERE id = ?").run(total, id);
}

/** Records a data key's exact count once no more content will use it. */
export function settleMessages(db: Db, id: string, count: number): void {
  db.prepare("UPDATE data_keys SET messages = ?, counted_exactly = 1 WHERE id = ?").run(count, id);
}

/** A batch of an account's data keys still wrapped by a customer key. */
export function byokDataKeys(db: Db, accountId: string, limit: number): DataKeyRow[] {
  return db.prepare("SELECT * FROM data_keys WHERE account_id = ? AND source != 'platform' AND unreadable = 0 ORDER BY created_at, id LIMIT ?").all(accountId, limit) as DataKeyRow[];
}

/** How many messages some data keys protect; `exact` false when the count includes reservations (an upper bound). */
export interface MessageCount {
  readonly keys: number;
  readonly messages: number;
  readonly exact: boolean;
}

/** Counts the account's customer-wrapped data keys and the messages under them. */
export function countByokDataKeys(db: Db, accountId: string): MessageCount {
  const r = db
    .prepare("SELECT COUNT(*) AS keys, COALESCE(SUM(messages), 0) AS messages, COALESCE(MIN(counted_exactly), 1) AS exact FROM data_keys WHERE account_id = ? AND source != 'platform' AND unreadable = 0")
    .get(accountId) as { keys: number; messages: number; exact: number };
  return { keys: r.keys, messages: r.messages, exact: r.exact === 1 };
}

/** "N messages", or "at most N messages (…)" when the count is an upper bound. */
export function describeMessages(count: Pick<MessageCount, "messages" | "exact">): string {
  return count.exact
    ? `${count.messages} messages`
    : `at most ${count.messages} messages (an upper bound: counts of data keys in use, or in use when the platform stopped, are reserved in blocks before content is returned)`;
}

/** Replaces a data key's wrapping (re-wrap under the platform key). */
export function rewrapDataKey(db: Db, id: string, source: KeySource, keyRef: string, keyVersion: string, wrapped: Buffer): void {
  db.prepare("UPDATE data_keys SET source = ?, key_ref = ?, key_version = ?, wrapped_key = ?, wrap_config = NULL WHERE id = ?").run(source, keyRef, keyVersion, wrapped, id);
}

/** Marks a data key whose customer key no longer unwraps it. */
export function markUnreadable(db: Db, id: string): void {
  db.prepare("UPDATE data_keys SET unreadable = 1 WHERE id = ?").run(id);
}
