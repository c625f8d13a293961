/**
 * Parsing of Key Vault request bodies and parameters into typed values, or the 400 answer the
 * service gives. Pure functions: everything a client sends passes through here before it touches
 * the state, so no input can crash the emulator.
 */
import { badParameter, kvError, type Answer } from "./errors";
import { RSA_WRAP_ALGORITHMS, type NewVersionSpec, type RsaWrapAlgorithm } from "./keys";
import { KEY_OPERATIONS, type Curve, type KeyOperation, type KeyType } from "./model";

/** A parsed value or the answer refusing it. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly answer: Answer };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = (answer: Answer): Parsed<never> => ({ ok: false, answer });

/** api-versions of the keys data plane: the stable ones, and the previews the Azure SDKs send (recorded). */
export const API_VERSIONS = ["7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6-preview.1", "7.6-preview.2", "7.6", "2025-06-01-preview", "2025-07-01", "2026-03-01-preview"] as const;

/** Checks the `api-version` query parameter. */
export function parseApiVersion(value: string | null): Parsed<string> {
  if (value === null || value === "") return no(badParameter("The api-version query parameter is required (for example ?api-version=2025-07-01)."));
  if (!(API_VERSIONS as readonly string[]).includes(value)) {
    return no(badParameter(`The specified version (${value.slice(0, 40)}) is not recognized. Consider using the latest supported version (2025-07-01).`));
  }
  return ok(value);
}

/** Key names: `^[0-9a-zA-Z-]+$`, 1 to 127 characters (the `key-name` parameter of the keys REST spec). */
export function parseKeyName(name: string): Parsed<string> {
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) return no(badParameter(`The request URI contains an invalid name: ${name.slice(0, 130)}`));
  return ok(name);
}

/** The JSON object of a request body ({} for an empty body), or 400. */
export function parseJsonObject(text: string): Parsed<Record<string, unknown>> {
  if (text.trim() === "") return ok({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return no(badParameter("The request body is not valid JSON."));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return no(badParameter("The request body must be a JSON object."));
  return ok(value as Record<string, unknown>);
}

const invalid = (property: string) => no(badParameter(`Property ${property} has invalid value\r\n`));

function optionalUnixTime(o: Record<string, unknown>, name: string): Parsed<number | null | undefined> {
  const v = o[name];
  if (v === undefined) return ok(undefined);
  if (v === null) return ok(null);
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) return invalid(name);
  return ok(v);
}

/** The `attributes` object of a create or update request. */
export interface AttributesInput {
  readonly enabled?: boolean;
  /** null clears it (update only). */
  readonly nbf?: number | null;
  readonly exp?: number | null;
  readonly exportable?: boolean;
}

function parseAttributes(v: unknown): Parsed<AttributesInput> {
  if (v === undefined || v === null) return ok({});
  if (typeof v !== "object" || Array.isArray(v)) return invalid("attributes");
  const o = v as Record<string, unknown>;
  if (o.enabled !== undefined && o.enabled !== null && typeof o.enabled !== "boolean") return invalid("enabled");
  if (o.exportable !== undefined && o.exportable !== null && typeof o.exportable !== "boolean") return invalid("exportable");
  const nbf = optionalUnixTime(o, "nbf");
  if (!nbf.ok) return nbf;
  const exp = optionalUnixTime(o, "exp");
  if (!exp.ok) return exp;
  return ok({ enabled: (o.enabled as boolean | null) ?? undefined, nbf: nbf.value, exp: exp.value, exportable: (o.exportable as boolean | null) ?? undefined });
}

function parseKeyOps(v: unknown): Parsed<KeyOperation[] | undefined> {
  if (v === undefined || v === null) return ok(undefined);
  if (!Array.isArray(v) || v.some((op) => typeof op !== "string" || !(KEY_OPERATIONS as readonly string[]).includes(op))) return invalid("key_ops");
  return ok([...new Set(v as KeyOperation[])]);
}

function parseTags(v: unknown): Parsed<Record<string, string> | undefined> {
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v !== "object" || Array.isArray(v)) return invalid("tags");
  const entries = Object.entries(v as Record<string, unknown>);
  // Key Vault allows 15 tags; names up to 512 characters, values up to 256.
  if (entries.length > 15 || entries.some(([k, val]) => typeof val !== "string" || k.length > 512 || val.length > 256)) return invalid("tags");
  return ok(Object.fromEntries(entries) as Record<string, string>);
}

const KEY_TYPES: readonly KeyType[] = ["RSA", "RSA-HSM", "EC", "EC-HSM"];
const CURVES: readonly Curve[] = ["P-256", "P-384", "P-521", "P-256K"];
/** RSA sizes a vault creates (https://learn.microsoft.com/azure/key-vault/keys/about-keys#key-types-and-protection-methods). */
const RSA_SIZES = [2048, 3072, 4096];
const EC_SIZE: Record<Curve, number> = { "P-256": 256, "P-384": 384, "P-521": 521, "P-256K": 256 };

/** The body of Create Key (and of the admin API's key creation). */
export function parseCreateKey(o: Record<string, unknown>): Parsed<NewVersionSpec & { exportable: boolean; hasReleasePolicy: boolean }> {
  const kty = o.kty;
  if (typeof kty !== "string") return no(badParameter("Property kty has invalid value\r\nProperty kty has invalid value\r\n"));
  if (kty === "oct" || kty === "oct-HSM") return no(badParameter(`Key type ${kty} is not supported by a vault; it needs a Managed HSM.`));
  if (!(KEY_TYPES as readonly string[]).includes(kty)) return invalid("kty");
  const attributes = parseAttributes(o.attributes);
  if (!attributes.ok) return attributes;
  const keyOps = parseKeyOps(o.key_ops);
  if (!keyOps.ok) return keyOps;
  const tags = parseTags(o.tags);
  if (!tags.ok) return tags;
  const rsa = kty === "RSA" || kty === "RSA-HSM";
  let keySize: number | undefined;
  let crv: Curve | undefined;
  if (rsa) {
    if (o.crv !== undefined && o.crv !== null) return invalid("crv");
    if (o.key_size !== undefined && o.key_size !== null && (typeof o.key_size !== "number" || !RSA_SIZES.includes(o.key_size))) {
      return no(badParameter(`Invalid key size ${String(o.key_size)} for key type ${kty}: it must be one of ${RSA_SIZES.join(", ")}.`));
    }
    keySize = (o.key_size as number | undefined) ?? 2048;
    if (o.public_exponent !== undefined && o.public_exponent !== null && o.public_exponent !== 65537 && o.public_exponent !== 3) return invalid("public_exponent");
  } else {
    if (o.crv !== undefined && o.crv !== null && !(CURVES as readonly string[]).includes(o.crv as string)) return invalid("crv");
    crv = (o.crv as Curve | undefined) ?? "P-256";
    if (o.key_size !== undefined && o.key_size !== null && o.key_size !== EC_SIZE[crv]) return no(badParameter(`Invalid key size ${String(o.key_size)} for curve ${crv}.`));
  }
  const { nbf, exp } = attributes.value;
  return ok({
    kty: kty as KeyType,
    keySize,
    crv,
    keyOps: keyOps.value,
    enabled: attributes.value.enabled,
    nbf: nbf ?? undefined,
    exp: exp ?? undefined,
    tags: tags.value,
    publicExponent: rsa ? ((o.public_exponent as number | undefined) ?? 65537) : undefined,
    exportable: attributes.value.exportable === true,
    hasReleasePolicy: o.release_policy !== undefined && o.release_policy !== null,
  });
}

/** The body of Update Key: only what is present changes. */
export interface UpdateKeyInput {
  readonly attributes: AttributesInput;
  readonly keyOps?: KeyOperation[];
  readonly tags?: Record<string, string>;
}

/** Parses Update Key's body. */
export function parseUpdateKey(o: Record<string, unknown>): Parsed<UpdateKeyInput> {
  const attributes = parseAttributes(o.attributes);
  if (!attributes.ok) return attributes;
  const keyOps = parseKeyOps(o.key_ops);
  if (!keyOps.ok) return keyOps;
  const tags = parseTags(o.tags);
  if (!tags.ok) return tags;
  return ok({ attributes: attributes.value, keyOps: keyOps.value, tags: tags.value });
}

/** The body of wrapkey/unwrapkey/encrypt/decrypt. */
export interface KeyOperationInput {
  readonly alg: string;
  readonly value: Buffer;
}

/** Parses a key operation body; `alg` is checked against the key later (the answer depends on its type). */
export function parseKeyOperation(o: Record<string, unknown>): Parsed<KeyOperationInput> {
  if (typeof o.alg !== "string" || o.alg === "") return invalid("alg");
  if (typeof o.value !== "string" || !/^[A-Za-z0-9_-]*={0,2}$/.test(o.value)) return invalid("value");
  return ok({ alg: o.alg, value: Buffer.from(o.value, "base64url") });
}

/** Whether an algorithm is one of the RSA wrap algorithms. */
export const isRsaWrapAlgorithm = (alg: string): alg is RsaWrapAlgorithm => (RSA_WRAP_ALGORITHMS as readonly string[]).includes(alg);

/** ISO 8601 durations the rotation policy uses (P90D, P1Y, PT12H, …), in seconds; undefined when malformed. */
export function durationSeconds(iso: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (m === null || iso === "P" || iso.endsWith("T")) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s;
}

/** A rotation policy as sent by Update Key Rotation Policy. */
export interface RotationPolicyInput {
  readonly lifetimeActions: { trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action: { type: string } }[];
  readonly expiryTime?: string;
}

/** Parses Update Key Rotation Policy's body. */
export function parseRotationPolicy(o: Record<string, unknown>): Parsed<RotationPolicyInput> {
  const actions = o.lifetimeActions ?? [];
  if (!Array.isArray(actions)) return invalid("lifetimeActions");
  const out: RotationPolicyInput["lifetimeActions"] = [];
  for (const a of actions as unknown[]) {
    const action = (a as { action?: { type?: unknown } } | null)?.action?.type;
    const trigger = (a as { trigger?: Record<string, unknown> } | null)?.trigger;
    if (typeof action !== "string" || !["rotate", "notify"].includes(action.toLowerCase())) return invalid("lifetimeActions.action.type");
    if (typeof trigger !== "object" || trigger === null) return invalid("lifetimeActions.trigger");
    const t: { timeAfterCreate?: string; timeBeforeExpiry?: string } = {};
    for (const k of ["timeAfterCreate", "timeBeforeExpiry"] as const) {
      const v = trigger[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== "string" || durationSeconds(v) === undefined) return invalid(`lifetimeActions.trigger.${k}`);
      t[k] = v;
    }
    out.push({ trigger: t, action: { type: action.toLowerCase() === "rotate" ? "Rotate" : "Notify" } });
  }
  const attributes = o.attributes;
  let expiryTime: string | undefined;
  if (attributes !== undefined && attributes !== null) {
    if (typeof attributes !== "object") return invalid("attributes");
    const e = (attributes as Record<string, unknown>).expiryTime;
    if (e !== undefined && e !== null) {
      // "The expiryTime ... must be at least 28 days" (https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation).
      if (typeof e !== "string" || durationSeconds(e) === undefined) return invalid("attributes.expiryTime");
      if (durationSeconds(e)! < 28 * 86400) return no(kvError(400, "BadParameter", `The expiryTime ${e} of the rotation policy is shorter than the minimum of 28 days (P28D).`));
      expiryTime = e;
    }
  }
  return ok({ lifetimeActions: out, expiryTime });
}
