/** Wrapping data keys under a platform key version. */
import { open, seal } from "../crypto/aead";
import type { PlatformKey, PlatformKeyring } from "../platformKeyring";

/** The AAD of a wrapped data key: it cannot be moved to another account or id. */
const aad = (accountId: string, dataKeyId: string) => Buffer.from(`ekm/data-key|${accountId}|${dataKeyId}`, "utf8");

/** Wraps `key` under the account's current platform key version. */
export function wrapUnderPlatform(pk: PlatformKey, dataKeyId: string, key: Buffer): { wrapped: Buffer; keyRef: string; keyVersion: string } {
  return { wrapped: seal(pk.key, key, aad(pk.accountId, dataKeyId)), keyRef: `platform:${pk.version}`, keyVersion: `pk-${pk.version}` };
}

/** Unwraps a platform-wrapped data key; throws when its key version is missing or the blob was altered. */
export function unwrapUnderPlatform(keyring: PlatformKeyring, accountId: string, dataKeyId: string, keyRef: string, wrapped: Buffer): Buffer {
  const version = Number(keyRef.replace(/^platform:/, ""));
  const pk = keyring.version(accountId, version);
  if (!pk) throw new Error(`platform key version ${version} of ${accountId} is missing`);
  return open(pk.key, wrapped, aad(accountId, dataKeyId));
}
