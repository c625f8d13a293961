/**
 * Backup blobs: the key record sealed with AES-256-GCM under a key derived from the emulator's
 * secret, so only the emulator that made a blob restores it (as a real backup restores only in
 * the same geography and subscription). Anything else is "Malformed backup blob".
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { KeyRecord } from "./model";

const MAGIC = Buffer.from("EKMKVB1");

function sealingKey(secret: string): Buffer {
  return createHash("sha256").update(`backup-blob\0${secret}`).digest();
}

/** Seals a key record into a blob. */
export function sealBackup(key: KeyRecord, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(secret), iv);
  const ct = Buffer.concat([cipher.update(JSON.stringify(key), "utf8"), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), ct]);
}

/** The key record in a blob, or undefined when the blob is not one of this emulator's. */
export function openBackup(blob: Buffer, secret: string): KeyRecord | undefined {
  if (blob.length < MAGIC.length + 28 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const iv = blob.subarray(MAGIC.length, MAGIC.length + 12);
  const tag = blob.subarray(MAGIC.length + 12, MAGIC.length + 28);
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(secret), iv);
    decipher.setAuthTag(tag);
    const json = Buffer.concat([decipher.update(blob.subarray(MAGIC.length + 28)), decipher.final()]).toString("utf8");
    return JSON.parse(json) as KeyRecord;
  } catch {
    return undefined;
  }
}
