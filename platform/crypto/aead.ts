/** AES-256-GCM sealing with a random 96-bit IV: the one AEAD the platform uses. */
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from "node:crypto";

/** AES-256 key length. */
export const KEY_BYTES = 32;
/** GCM IV length: 96 bits, the size NIST SP 800-38D recommends. */
export const IV_BYTES = 12;
/** GCM authentication tag length: the full 128 bits. */
export const TAG_BYTES = 16;

/** Encrypts `plaintext` and returns `iv ‖ ciphertext ‖ tag`. */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Reverses `seal`; throws when the blob, key or AAD does not match. */
export function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error("sealed blob is truncated");
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

/**
 * Like `seal`, but writes `prefix ‖ iv ‖ ciphertext ‖ tag` into one buffer, so large payloads
 * are copied once instead of three times.
 */
export function sealWithPrefix(key: Buffer, plaintext: Buffer, aad: Buffer, prefix: Buffer): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + IV_BYTES + plaintext.length + TAG_BYTES);
  prefix.copy(out, 0);
  const iv = out.subarray(prefix.length, prefix.length + IV_BYTES);
  randomFillSync(iv);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  let at = prefix.length + IV_BYTES;
  at += cipher.update(plaintext).copy(out, at);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
}
