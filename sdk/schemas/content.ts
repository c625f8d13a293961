/** Envelope encryption of an account's content. */
import { z } from "zod";
import { Base64 } from "./formats";

/** Which key wrapped a ciphertext's data key. */
export const KeySource = z.enum(["platform", "byok-aws", "byok-azure"]);
/** Which key wrapped a ciphertext's data key. */
export type KeySource = z.infer<typeof KeySource>;

/** `POST /v1/accounts/{accountId}/content:encrypt` body. */
export const EncryptRequest = z.strictObject({ plaintext: Base64 });
/** `content:encrypt` body. */
export type EncryptRequest = z.infer<typeof EncryptRequest>;

/** `content:encrypt` answer. */
export const EncryptResponse = z.strictObject({
  ciphertext: Base64,
  keySource: KeySource,
  keyVersion: z.string(),
});
/** `content:encrypt` answer. */
export type EncryptResponse = z.infer<typeof EncryptResponse>;

/** `POST /v1/accounts/{accountId}/content:decrypt` body. */
export const DecryptRequest = z.strictObject({ ciphertext: Base64 });
/** `content:decrypt` body. */
export type DecryptRequest = z.infer<typeof DecryptRequest>;

/** `content:decrypt` answer. */
export const DecryptResponse = z.strictObject({
  plaintext: Base64,
  keySource: KeySource,
  keyVersion: z.string(),
});
/** `content:decrypt` answer. */
export type DecryptResponse = z.infer<typeof DecryptResponse>;
