/** The one BYOK configuration per account. */
import { ByokKeyConfig, type Validation } from "../../sdk/schemas";
import type { Db } from "./db";

/**
 * A key as the platform stores it: the sdk's `ByokKeyConfig` with the provider's reference under
 * one name (`{provider: "aws", reference: {keyArn, roleArn}}`), the shape of the `provider` and
 * `reference` columns and of each data key's `wrap_config`. Derived, so it cannot drift.
 */
export type StoredKey =
  ByokKeyConfig extends infer C ? (C extends { provider: infer P extends keyof C } ? { readonly provider: P; readonly reference: C[P] } : never) : never;

/** The stored form of a key. */
export function storedKeyOf(c: ByokKeyConfig): StoredKey {
  return c.provider === "aws" ? { provider: "aws", reference: c.aws } : { provider: "azure", reference: c.azure };
}

/** The sdk form of a stored key (a `ByokRecord` is one). */
export function keyConfigOfStored(k: StoredKey): ByokKeyConfig {
  return k.provider === "aws" ? { provider: "aws", aws: k.reference } : { provider: "azure", azure: k.reference };
}

/** Decodes a stored key (columns, or a data key's `wrap_config`), checking it against the sdk schema. */
export function decodeStoredKey(provider: unknown, reference: unknown): StoredKey {
  return storedKeyOf(ByokKeyConfig.parse(provider === "aws" ? { provider, aws: reference } : { provider, azure: reference }));
}

/**
 * A stored configuration's key as the store holds it. A stored reference may predate today's
 * formats, or have been edited in the store: it is kept as stored, so the platform's rule checks
 * (byok/referenceRules.ts) treat it as a key that does not work (fallback, degraded with the
 * reason) instead of every request failing.
 */
export function readStoredKey(provider: unknown, reference: unknown): StoredKey {
  try {
    return decodeStoredKey(provider, reference);
  } catch {
    return { provider: provider === "aws" ? "aws" : "azure", reference } as StoredKey;
  }
}

/** What a stored configuration holds besides its key. */
interface ByokRecordFields {
  readonly accountId: string;
  readonly nickname: string;
  readonly activationDate: string;
  readonly validation: Validation;
  readonly etag: string;
  readonly activatedAt: number | null;
  readonly fallbackReason: string | null;
  readonly fallbackSince: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When a revert to platform-managed keys started; null when none is in progress. */
  readonly revertingSince: number | null;
  /** Whether that revert gives up data keys the customer key refuses (DELETE ?force=true). */
  readonly revertingForce: boolean;
  /** Azure: the key version that wraps new data keys, as last used or validated; null for AWS or when not known yet. */
  readonly keyVersionInUse: string | null;
}

/** A stored configuration, decoded: a discriminated union on `provider`, so `reference` narrows with it. */
export type ByokRecord = StoredKey & ByokRecordFields;

interface Row {
  account_id: string;
  provider: "aws" | "azure";
  reference: string;
  nickname: string;
  activation_date: string;
  validation: string;
  etag: string;
  activated_at: number | null;
  fallback_reason: string | null;
  fallback_since: number | null;
  created_at: number;
  updated_at: number;
  reverting_since: number | null;
  reverting_force: number;
  key_version_in_use: string | null;
}

/** Reads an account's configuration. */
export function getByokRecord(db: Db, accountId: string): ByokRecord | undefined {
  const r = db.prepare("SELECT * FROM byok_configs WHERE account_id = ?").get(accountId) as Row | undefined;
  if (!r) return undefined;
  return {
    ...readStoredKey(r.provider, JSON.parse(r.reference)),
    accountId: r.account_id,
    nickname: r.nickname,
    activationDate: r.activation_date,
    validation: JSON.parse(r.validation) as Validation,
    etag: r.etag,
    activatedAt: r.activated_at,
    fallbackReason: r.fallback_reason,
    fallbackSince: r.fallback_since,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    revertingSince: r.reverting_since,
    revertingForce: r.reverting_force === 1,
    keyVersionInUse: r.key_version_in_use,
  };
}

/** Inserts or replaces an account's configuration (a revert in progress is set apart, by `setReverting`). */
export function saveByokRecord(db: Db, rec: ByokRecord): void {
  db.prepare(
    `INSERT INTO byok_configs (account_id, provider, reference, nickname, activation_date, validation, etag, activated_at, fallback_reason, fallback_since, created_at, updated_at, key_version_in_use)
     VALUES (@account_id, @provider, @reference, @nickname, @activation_date, @validation, @etag, @activated_at, @fallback_reason, @fallback_since, @created_at, @updated_at, @key_version_in_use)
     ON CONFLICT(account_id) DO UPDATE SET provider = excluded.provider, reference = excluded.reference, nickname = excluded.nickname,
       activation_date = excluded.activation_date, validation = excluded.validation, etag = excluded.etag, activated_at = excluded.activated_at,
       fallback_reason = excluded.fallback_reason, fallback_since = excluded.fallback_since, updated_at = excluded.updated_at,
       key_version_in_use = excluded.key_version_in_use`,
  ).run({
    account_id: rec.accountId,
    provider: rec.provider,
    reference: JSON.stringify(rec.reference),
    nickname: rec.nickname,
    activation_date: rec.activationDate,
    validation: JSON.stringify(rec.validation),
    etag: rec.etag,
    activated_at: rec.activatedAt,
    fallback_reason: rec.fallbackReason,
    fallback_since: rec.fallbackSince,
    created_at: rec.createdAt,
    updated_at: rec.updatedAt,
    key_version_in_use: rec.keyVersionInUse,
  });
}

/** Records the key version that wrapped the account's newest data key (a versionless Azure key followed a rotation). */
export function setKeyVersionInUse(db: Db, accountId: string, version: string): void {
  db.prepare("UPDATE byok_configs SET key_version_in_use = ? WHERE account_id = ?").run(version, accountId);
}

/** Records the start or end of a fallback. */
export function setFallback(db: Db, accountId: string, reason: string | null, since: number | null): void {
  db.prepare("UPDATE byok_configs SET fallback_reason = ?, fallback_since = ? WHERE account_id = ?").run(reason, since, accountId);
}

/** Records that the activation date passed. */
export function setActivated(db: Db, accountId: string, at: number): void {
  db.prepare("UPDATE byok_configs SET activated_at = ? WHERE account_id = ? AND activated_at IS NULL").run(at, accountId);
}

/** Records that a revert started (or goes on with another `force`), or, with null, that it stopped. */
export function setReverting(db: Db, accountId: string, since: number | null, force: boolean): void {
  db.prepare("UPDATE byok_configs SET reverting_since = ?, reverting_force = ? WHERE account_id = ?").run(since, force ? 1 : 0, accountId);
}

/** Accounts whose revert is in progress (to resume after a restart). */
export function accountsReverting(db: Db): string[] {
  return (db.prepare("SELECT account_id FROM byok_configs WHERE reverting_since IS NOT NULL ORDER BY account_id").all() as { account_id: string }[]).map((r) => r.account_id);
}

/** Removes an account's configuration. */
export function deleteByokRecord(db: Db, accountId: string): void {
  db.prepare("DELETE FROM byok_configs WHERE account_id = ?").run(accountId);
}

/** Accounts that have a configuration (for the maintenance timer). */
export function accountsWithByok(db: Db): string[] {
  return (db.prepare("SELECT account_id FROM byok_configs").all() as { account_id: string }[]).map((r) => r.account_id);
}
