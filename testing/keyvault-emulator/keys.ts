/**
 * Key material and the JSON shapes of keys: generation (node:crypto), the public JWK, the
 * KeyBundle / DeletedKeyBundle bodies, and wrap/unwrap with the RSA algorithms Key Vault offers.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { Curve, DeletedKeyRecord, KeyOperation, KeyRecord, KeyType, KeyVersionRecord, VaultRecord } from "./model";
import { recoveryLevel } from "./model";

const generate = promisify(generateKeyPair);

/** Node's name of each Key Vault curve. */
const NODE_CURVE: Record<Curve, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", "P-256K": "secp256k1" };

/** Key operations of a key created without `key_ops` (as the recordings show). */
export function defaultKeyOps(kty: KeyType): KeyOperation[] {
  return kty.startsWith("EC") ? ["sign", "verify"] : ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
}

/** Whether the key type is RSA (software or HSM). */
export const isRsa = (kty: KeyType): boolean => kty === "RSA" || kty === "RSA-HSM";

/** What a new version is made of. */
export interface NewVersionSpec {
  readonly kty: KeyType;
  readonly keySize?: number;
  readonly crv?: Curve;
  readonly keyOps?: readonly KeyOperation[];
  readonly enabled?: boolean;
  readonly nbf?: number;
  readonly exp?: number;
  readonly tags?: Record<string, string>;
  readonly publicExponent?: number;
}

/** A new key version with fresh key material; versions are 32 hex digits like Key Vault's. */
export async function newVersion(spec: NewVersionSpec, now: number): Promise<KeyVersionRecord> {
  const rsa = isRsa(spec.kty);
  const keySize = rsa ? (spec.keySize ?? 2048) : undefined;
  const crv = rsa ? undefined : (spec.crv ?? "P-256");
  const { privateKey } = rsa
    ? await generate("rsa", { modulusLength: keySize!, publicExponent: spec.publicExponent ?? 65537 })
    : await generate("ec", { namedCurve: NODE_CURVE[crv!] });
  return {
    version: randomBytes(16).toString("hex"),
    kty: spec.kty,
    crv,
    keySize,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    keyOps: [...(spec.keyOps ?? defaultKeyOps(spec.kty))],
    enabled: spec.enabled ?? true,
    nbf: spec.nbf,
    exp: spec.exp,
    created: now,
    updated: now,
    tags: { ...(spec.tags ?? {}) },
  };
}

const privateKeys = new Map<string, KeyObject>();

/** The private key of a version (parsed once). */
export function privateKeyOf(v: KeyVersionRecord): KeyObject {
  let key = privateKeys.get(v.version);
  if (key === undefined) {
    key = createPrivateKey(v.privateKeyPem);
    privateKeys.set(v.version, key);
  }
  return key;
}

/** The vault's base URL as the client addressed it (`https://<host>/`), which Key Vault puts in every `kid`. */
export type VaultBaseUrl = string;

/** `kid` of a version. */
export function keyId(base: VaultBaseUrl, name: string, version: string): string {
  return `${base}keys/${name}/${version}`;
}

/** The JsonWebKey of a version (public part only). */
export function jsonWebKey(base: VaultBaseUrl, name: string, v: KeyVersionRecord): Record<string, unknown> {
  const jwk = createPublicKey(privateKeyOf(v)).export({ format: "jwk" });
  const common = { kid: keyId(base, name, v.version), kty: v.kty, key_ops: v.keyOps };
  return isRsa(v.kty) ? { ...common, n: jwk.n, e: jwk.e } : { ...common, crv: v.crv, x: jwk.x, y: jwk.y };
}

/** The `attributes` of a version, in the field order the service uses. */
export function keyAttributes(vault: VaultRecord, v: KeyVersionRecord): Record<string, unknown> {
  return {
    enabled: v.enabled,
    ...(v.nbf === undefined ? {} : { nbf: v.nbf }),
    ...(v.exp === undefined ? {} : { exp: v.exp }),
    // Service versions 1.9.3070 and later report the RSA modulus size here too.
    ...(v.keySize === undefined ? {} : { key_size: v.keySize }),
    created: v.created,
    updated: v.updated,
    recoveryLevel: recoveryLevel(vault.settings),
    ...(vault.settings.softDelete ? { recoverableDays: vault.settings.recoverableDays } : {}),
    exportable: false,
    hsmPlatform: v.kty.endsWith("-HSM") ? "2" : "0",
  };
}

/** A KeyBundle body. */
export function keyBundle(base: VaultBaseUrl, vault: VaultRecord, key: KeyRecord, v: KeyVersionRecord): Record<string, unknown> {
  return {
    key: jsonWebKey(base, key.name, v),
    attributes: keyAttributes(vault, v),
    ...(Object.keys(v.tags).length === 0 ? {} : { tags: v.tags }),
  };
}

/** A DeletedKeyBundle body (the current version, with the deletion facts first). */
export function deletedKeyBundle(base: VaultBaseUrl, vault: VaultRecord, d: DeletedKeyRecord): Record<string, unknown> {
  const current = d.key.versions[d.key.versions.length - 1];
  return {
    ...(vault.settings.softDelete ? { recoveryId: `${base}deletedkeys/${d.key.name}` } : {}),
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
    ...keyBundle(base, vault, d.key, current),
  };
}

/** A KeyItem (list entry) of a version. */
export function keyItem(base: VaultBaseUrl, vault: VaultRecord, key: KeyRecord, v: KeyVersionRecord): Record<string, unknown> {
  return {
    kid: keyId(base, key.name, v.version),
    attributes: keyAttributes(vault, v),
    ...(Object.keys(v.tags).length === 0 ? {} : { tags: v.tags }),
  };
}

/** Encryption algorithms for wrap and unwrap with RSA keys. */
export const RSA_WRAP_ALGORITHMS = ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] as const;

/** One of them. */
export type RsaWrapAlgorithm = (typeof RSA_WRAP_ALGORITHMS)[number];

function padding(alg: RsaWrapAlgorithm): { padding: number; oaepHash?: string } {
  // RSA-OAEP: SHA-1 and MGF1-SHA-1 (RFC 3447 defaults); RSA-OAEP-256: SHA-256 and MGF1-SHA-256.
  if (alg === "RSA1_5") return { padding: constants.RSA_PKCS1_PADDING };
  return { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === "RSA-OAEP-256" ? "sha256" : "sha1" };
}

/** Wraps `plaintext` with the version's public key. Throws when it is too long for the modulus. */
export function wrap(v: KeyVersionRecord, alg: RsaWrapAlgorithm, plaintext: Buffer): Buffer {
  return publicEncrypt({ key: createPublicKey(privateKeyOf(v)), ...padding(alg) }, plaintext);
}

/** Unwraps `ciphertext` with the version's private key. Throws when it was not wrapped by this key with `alg`. */
export function unwrap(v: KeyVersionRecord, alg: RsaWrapAlgorithm, ciphertext: Buffer): Buffer {
  return privateDecrypt({ key: privateKeyOf(v), ...padding(alg) }, ciphertext);
}
