/**
 * Versioned schema migrations. Each runs once, in order, in its own transaction, and
 * `PRAGMA user_version` records the last one applied. Append new migrations; never edit one
 * that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: accounts, platform key versions, data keys, audit events.
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    external_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE platform_keys (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    version INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, version)
  );
  CREATE TABLE data_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    source TEXT NOT NULL CHECK (source IN ('platform', 'byok-aws', 'byok-azure')),
    key_ref TEXT NOT NULL,
    key_version TEXT NOT NULL,
    wrapped_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    unreadable INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX data_keys_by_account_source ON data_keys(account_id, source);
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX events_by_account ON events(account_id, seq);
  `,
  // 2: BYOK configuration (one per account) and message counts per data key, for revert reports.
  `
  CREATE TABLE byok_configs (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    provider TEXT NOT NULL CHECK (provider IN ('aws', 'azure')),
    reference TEXT NOT NULL,
    nickname TEXT NOT NULL,
    activation_date TEXT NOT NULL,
    validation TEXT NOT NULL,
    etag TEXT NOT NULL,
    activated_at INTEGER,
    fallback_reason TEXT,
    fallback_since INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  ALTER TABLE data_keys ADD COLUMN messages INTEGER NOT NULL DEFAULT 0;
  `,
  // 3: the customer-key configuration (provider + reference) that wrapped each BYOK data key, so
  // a key change never strands older data; and a root-key canary to refuse a wrong EKM_ROOT_KEY.
  `
  ALTER TABLE data_keys ADD COLUMN wrap_config TEXT;
  CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
  `,
  // 4: validation checks carry a status instead of ok plus a "skipped: <step> failed" message:
  // ok → "ok", a skipped message → "skipped" (message "not run because <step> failed"), else "failed".
  `
  UPDATE byok_configs SET validation = json_set(validation, '$.checks', json((
    SELECT json_group_array(json_object(
      'name', json_extract(c.value, '$.name'),
      'status', CASE WHEN json_extract(c.value, '$.ok') THEN 'ok' WHEN json_extract(c.value, '$.message') LIKE 'skipped: %' THEN 'skipped' ELSE 'failed' END,
      'message', CASE WHEN NOT json_extract(c.value, '$.ok') AND json_extract(c.value, '$.message') LIKE 'skipped: %'
        THEN 'not run because ' || substr(json_extract(c.value, '$.message'), 10) ELSE json_extract(c.value, '$.message') END))
    FROM json_each(validation, '$.checks') AS c)))
  WHERE json_type(validation, '$.checks[0].ok') IS NOT NULL;
  `,
  // 5: message counts that never undercount, and a revert that survives a crash. A customer-wrapped
  // data key's count is reserved in blocks before the ciphertexts it covers are returned
  // (counted_exactly = 0 while the key is in use, or when the platform stopped without settling
  // it); a revert in progress is a stored state that the platform resumes.
  `
  ALTER TABLE data_keys ADD COLUMN counted_exactly INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE byok_configs ADD COLUMN reverting_since INTEGER;
  ALTER TABLE byok_configs ADD COLUMN reverting_force INTEGER NOT NULL DEFAULT 0;
  `,
  // 6: the Key Vault key version that wraps the account's new data keys (Azure; NULL for AWS, and
  // for configurations stored before: set again by the next data key or registration).
  `
  ALTER TABLE byok_configs ADD COLUMN key_version_in_use TEXT;
  `,
];
