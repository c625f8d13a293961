/**
 * The root key that encrypts platform key versions at rest. This is the local reference
 * trust model: a real platform keeps its root key in an HSM or a cloud KMS, never in a file.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KEY_BYTES, open, seal } from "./aead";
import type { Db } from "../store/db";

/** The root key file's name inside the data dir. */
export const ROOT_KEY_FILE = "root.key";

/** Where the root key comes from: `EKM_ROOT_KEY`, `<dataDir>/root.key`, or nowhere yet. */
export type RootKeySource = { kind: "env"; value: string } | { kind: "file"; path: string } | { kind: "none"; path: string };

/** Finds the root key without reading or writing anything. */
export function rootKeySource(dataDir: string, fromEnv: string | undefined): RootKeySource {
  if (fromEnv !== undefined && fromEnv !== "") return { kind: "env", value: fromEnv };
  const path = join(dataDir, ROOT_KEY_FILE);
  return existsSync(path) ? { kind: "file", path } : { kind: "none", path };
}

/** Reads the root key from `EKM_ROOT_KEY` (base64 of 32 bytes) or from the key file. */
export function readRootKey(source: Exclude<RootKeySource, { kind: "none" }>): Buffer {
  if (source.kind === "env") {
    const key = Buffer.from(source.value, "base64");
    if (key.length !== KEY_BYTES || key.toString("base64") !== source.value.trim()) {
      throw new Error(`EKM_ROOT_KEY must be base64 of exactly ${KEY_BYTES} bytes (got ${key.length} bytes): generate one with "openssl rand -base64 32"`);
    }
    return key;
  }
  const key = readFileSync(source.path);
  if (key.length !== KEY_BYTES) throw new Error(`${source.path} holds ${key.length} bytes, expected ${KEY_BYTES}: restore it from backup, or set EKM_ROOT_KEY`);
  return key;
}

/** Generates a new root key file with mode 0600 (only for a new platform). */
export function createRootKeyFile(path: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  // flag "wx" refuses to overwrite a root key another process wrote meanwhile.
  writeFileSync(path, key, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return key;
}

const CANARY_AAD = Buffer.from("ekm/root-key-canary", "utf8");

/**
 * Checks, reading only, that `rootKey` is the key this store was created with, by opening a canary
 * sealed at first start. Answers "absent" for a store that has no canary yet. A wrong EKM_ROOT_KEY
 * (or a lost root.key) is refused at start-up, not at the first decrypt.
 */
export function checkRootKey(db: Db, rootKey: Buffer): "match" | "absent" {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  const row = hasMeta ? (db.prepare("SELECT value FROM meta WHERE name = 'root-key-canary'").get() as { value: Buffer } | undefined) : undefined;
  if (!row) return "absent";
  try {
    open(rootKey, row.value, CANARY_AAD);
  } catch {
    throw new Error("the root key does not match the one this data dir was created with: set EKM_ROOT_KEY to the original key (or restore <data-dir>/root.key); a new key cannot decrypt the stored platform keys");
  }
  return "match";
}

/** Seals the canary that `checkRootKey` opens (after migrations, once the store is known to be new or paired). */
export function writeRootKeyCanary(db: Db, rootKey: Buffer): void {
  db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('root-key-canary', ?)").run(seal(rootKey, Buffer.from("ok"), CANARY_AAD));
}
