/** Accounts and their hashed tokens. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "./db";

/** A stored account. */
export interface AccountRow {
  readonly id: string;
  readonly name: string | null;
  readonly external_id: string;
  readonly created_at: number;
}

/**
 * SHA-256 of a token. Tokens are 256-bit random values, so a fast hash is enough: there is
 * nothing to brute-force (unlike passwords).
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares two tokens in constant time. */
export function tokensEqual(a: string, b: string): boolean {
  const ha = Buffer.from(hashToken(a), "hex");
  const hb = Buffer.from(hashToken(b), "hex");
  return timingSafeEqual(ha, hb);
}

/** Creates an account and returns it with its token (shown once, stored hashed). */
export function insertAccount(db: Db, name: string | undefined, now: number): { account: AccountRow; token: string } {
  const id = `acct-${randomBytes(8).toString("hex")}`;
  const token = `ekm_${randomBytes(32).toString("base64url")}`;
  // The external ID is per account, random and stable: the confused-deputy guard in the customer's trust policy.
  const externalId = `ekm-${randomBytes(16).toString("hex")}`;
  db.prepare("INSERT INTO accounts (id, name, token_hash, external_id, created_at) VALUES (?, ?, ?, ?, ?)").run(id, name ?? null, hashToken(token), externalId, now);
  return { account: { id, name: name ?? null, external_id: externalId, created_at: now }, token };
}

/** Finds the account a token belongs to. */
export function accountByToken(db: Db, token: string): AccountRow | undefined {
  return db.prepare("SELECT id, name, external_id, created_at FROM accounts WHERE token_hash = ?").get(hashToken(token)) as AccountRow | undefined;
}

/** Reads an account by id. */
export function accountById(db: Db, id: string): AccountRow | undefined {
  return db.prepare("SELECT id, name, external_id, created_at FROM accounts WHERE id = ?").get(id) as AccountRow | undefined;
}

/** Every account id (for the maintenance timer). */
export function allAccountIds(db: Db): string[] {
  return (db.prepare("SELECT id FROM accounts ORDER BY id").all() as { id: string }[]).map((r) => r.id);
}
