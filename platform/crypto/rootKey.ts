/**
 * The root key that encrypts platform key versions at rest. This is the local reference
 * trust model: a real platform keeps its root key in an HSM or a cloud KMS, never in a file.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KEY_BYTES, open, seal } from "./aead";
import type { Db } from "../store/db";

/**
 * Reads the root key from `EKM_ROOT_KEY` (base64 of 32 bytes), or from `<dataDir>/root.key`,
 * generating that file with mode 0600 on first start.
 */
export function loadRootKey(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv !== undefined && fromEnv !== "") {
    const key = Buffer.from(fromEnv, "base64");
    if (key.length !== KEY_BYTES || key.toString("base64") !== fromEnv.trim()) {
      throw new Error(`EKM_ROOT_KEY must be base64 of exactly ${KEY_BYTES} bytes (got ${key.length} bytes): generate one with "openssl rand -base64 32"`);
    }
    return key;
  }
  const path = join(dataDir, "root.key");
  if (existsSync(path)) {
    const key = readFileSync(path);
    if (key.length !== KEY_BYTES) throw new Error(`${path} holds ${key.length} bytes, expected ${KEY_BYTES}: restore it from backup, or set EKM_ROOT_KEY`);
    return key;
  }
  const key = randomBytes(KEY_BYTES);
  // flag "wx" refuses to overwrite a root key another process wrote meanwhile.
  writeFileSync(path, key, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return key;
}

/**
 * Checks that `rootKey` is the key this store was created with, by opening a canary sealed at
 * first start. A wrong EKM_ROOT_KEY (or a lost root.key) is refused at start-up, not at the first
 * decrypt.
 */
export function verifyRootKey(db: Db, rootKey: Buffer): void {
  const aad = Buffer.from("ekm/root-key-canary", "utf8");
  const row = db.prepare("SELECT value FROM meta WHERE name = 'root-key-canary'").get() as { value: Buffer } | undefined;
  if (!row) {
    db.prepare("INSERT INTO meta (name, value) VALUES ('root-key-canary', ?)").run(seal(rootKey, Buffer.from("ok"), aad));
    return;
  }
  try {
    open(rootKey, row.value, aad);
  } catch {
    throw new Error("the root key does not match the one this data dir was created with: set EKM_ROOT_KEY to the original key (or restore <data-dir>/root.key); a new key cannot decrypt the stored platform keys");
  }
}
