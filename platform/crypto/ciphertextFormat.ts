/**
 * The content ciphertext: self-describing and versioned. It carries only the data key's
 * id, the IV and the tag; the data key lives in the platform's store, so rotating a
 * platform key or reverting BYOK never touches customers' ciphertexts.
 *
 *   "EK" | format 0x01 | idLength u8 | dataKeyId (ASCII) | iv (12) | ciphertext | tag (16)
 *
 * The AAD is the header plus the account id, so a ciphertext moved to another account, or
 * pointed at another data key, fails authentication.
 */
import { IV_BYTES, TAG_BYTES } from "./aead";

const MAGIC = Buffer.from("EK", "ascii");
/** Current format version. */
export const FORMAT_V1 = 1;

/** A parsed ciphertext. */
export interface ParsedCiphertext {
  readonly format: number;
  readonly dataKeyId: string;
  /** Header bytes (magic … data key id), part of the AAD. */
  readonly header: Buffer;
  /** `iv ‖ ciphertext ‖ tag`, as `aead.open` takes it. */
  readonly sealed: Buffer;
}

/** Builds the header for a data key id. */
export function encodeHeader(dataKeyId: string): Buffer {
  const id = Buffer.from(dataKeyId, "ascii");
  if (id.length === 0 || id.length > 255) throw new Error(`data key id must be 1-255 ASCII bytes, got ${id.length}`);
  return Buffer.concat([MAGIC, Buffer.from([FORMAT_V1, id.length]), id]);
}

/** The AAD binding a ciphertext to its account and data key. */
export function contentAad(header: Buffer, accountId: string): Buffer {
  return Buffer.concat([header, Buffer.from(`|account=${accountId}`, "utf8")]);
}

/** Parses a ciphertext, or returns a reason it is malformed. */
export function parseCiphertext(blob: Buffer): ParsedCiphertext | { error: string } {
  if (blob.length < 4 || !blob.subarray(0, 2).equals(MAGIC)) return { error: "not a platform ciphertext (bad magic): pass the ciphertext exactly as content:encrypt returned it" };
  const format = blob[2];
  if (format !== FORMAT_V1) return { error: `unsupported ciphertext format ${format}: this platform reads format ${FORMAT_V1}` };
  const idLength = blob[3];
  const headerLength = 4 + idLength;
  if (idLength === 0 || blob.length < headerLength + IV_BYTES + TAG_BYTES) return { error: "ciphertext is truncated" };
  const header = blob.subarray(0, headerLength);
  const dataKeyId = header.subarray(4).toString("ascii");
  return { format, dataKeyId, header, sealed: blob.subarray(headerLength) };
}
