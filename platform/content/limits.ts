/**
 * The largest plaintext `content:encrypt` takes, derived from the body limit, so that everything
 * the platform encrypts can be decrypted under the same settings: the ciphertext is the plaintext
 * plus a fixed overhead, and `content:decrypt` carries it base64-encoded in a JSON body.
 */
import { IV_BYTES, TAG_BYTES } from "../crypto/aead";
import { encodeHeader } from "../crypto/ciphertextFormat";
import { newDataKeyId } from "./envelope";

/** Bytes a ciphertext adds to its plaintext: header (magic, format, id length, data key id), IV and tag. */
export const CIPHERTEXT_OVERHEAD = encodeHeader(newDataKeyId()).length + IV_BYTES + TAG_BYTES;

/** Room for the JSON around the base64 in a decrypt body (`{"ciphertext":""}` is 17 bytes), white space included. */
export const DECRYPT_BODY_JSON_BYTES = 64;

/** The largest plaintext whose ciphertext fits a `content:decrypt` body of `maxBodyBytes`. */
export function largestPlaintext(maxBodyBytes: number): number {
  return 3 * Math.floor((maxBodyBytes - DECRYPT_BODY_JSON_BYTES) / 4) - CIPHERTEXT_OVERHEAD;
}
