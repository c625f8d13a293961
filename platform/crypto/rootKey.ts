/**
 * The root key that encrypts platform key versions at rest. This is the local reference
 * trust model: a real platform keeps its root key in an HSM or a cloud KMS, never in a file.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KEY_BYTES } from "./aead";

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
