/**
 * The test-control API under `/_emulator/`, authenticated by its own token (never an Entra
 * token): vaults and their recovery settings, keys and versions, service principals, data-action
 * grants, faults, and the request log. Bodies and answers are JSON; errors are
 * `{"error": "<what was wrong, the value, the fix>"}` with status 400/401/404.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import { grant, revoke } from "./authz";
import { ALL_KEY_DATA_ACTIONS, type KeyDataAction } from "./facts";
import { parseFault, type Fault } from "./faults";
import { keyId, newVersion } from "./keys";
import type { VaultSettings } from "./model";
import { parseCreateKey, parseJsonObject, parseKeyName, parseUpdateKey } from "./requests";
import type { Store } from "./store";

/** Path prefix of the admin API. */
export const ADMIN_PREFIX = "_emulator";

/** One request the emulator answered (no bodies, no headers: they may carry secrets). */
export interface LoggedRequest {
  readonly at: number;
  readonly area: "vault" | "entra" | "admin";
  readonly vault?: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** What the admin API works on. */
export interface AdminContext {
  readonly store: Store;
  readonly adminToken: string;
  readonly faults: Fault[];
  readonly log: LoggedRequest[];
  /** `https://<host>` as the client addressed the emulator. */
  readonly origin: string;
  readonly now: number;
}

interface AdminAnswer {
  readonly status: number;
  readonly body?: unknown;
}

const fail = (status: number, error: string): AdminAnswer => ({ status, body: { error } });

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer /, "") ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseVaultSettings(o: Record<string, unknown>): string | Partial<VaultSettings> {
  const out: Partial<VaultSettings> = {};
  if (o.tenantId !== undefined) {
    if (typeof o.tenantId !== "string" || !GUID.test(o.tenantId)) return `tenantId must be a GUID, got ${JSON.stringify(o.tenantId)}`;
    out.tenantId = o.tenantId.toLowerCase();
  }
  for (const k of ["softDelete", "purgeProtection"] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== "boolean") return `${k} must be true or false, got ${JSON.stringify(o[k])}`;
    out[k] = o[k];
  }
  if (o.recoverableDays !== undefined) {
    if (typeof o.recoverableDays !== "number" || !Number.isInteger(o.recoverableDays) || o.recoverableDays < 7 || o.recoverableDays > 90) {
      return `recoverableDays must be an integer from 7 to 90 (Key Vault's retention range), got ${JSON.stringify(o.recoverableDays)}`;
    }
    out.recoverableDays = o.recoverableDays;
  }
  return out;
}

function parseActions(v: unknown): string | KeyDataAction[] {
  if (v === "*") return [...ALL_KEY_DATA_ACTIONS];
  if (!Array.isArray(v) || v.length === 0) return `actions must be "*" or a non-empty list of data actions such as "Microsoft.KeyVault/vaults/keys/wrap/action", got ${JSON.stringify(v)}`;
  const unknown = v.filter((a) => !(ALL_KEY_DATA_ACTIONS as readonly unknown[]).includes(a));
  if (unknown.length > 0) return `actions holds unknown data action(s) ${JSON.stringify(unknown)}; known: ${ALL_KEY_DATA_ACTIONS.join(", ")}`;
  return v as KeyDataAction[];
}

/** Answers an admin request; `segments` follow the `_emulator` prefix. */
export async function adminAnswer(ctx: AdminContext, method: string, segments: readonly string[], authorization: string | undefined, text: string): Promise<AdminAnswer> {
  if (!tokenMatches(authorization, ctx.adminToken)) return fail(401, "the admin API needs `Authorization: Bearer <admin token>` (the token the emulator printed the path of, or EKM_KV_EMULATOR_ADMIN_TOKEN)");
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return fail(400, "the request body must be a JSON object");
  const o = parsed.value;
  const { store } = ctx;
  const [area, a1, a2, a3, a4] = segments;
  const route = `${method} ${segments.map((s, i) => (i % 2 === 1 ? "*" : s)).join("/")}`;

  switch (route) {
    case "GET health":
      return { status: 200, body: { vaults: Object.keys(store.state.vaults).length } };
    case "GET vaults":
      return { status: 200, body: Object.values(store.state.vaults).map((v) => ({ name: v.name, settings: v.settings })) };
    case "PUT vaults/*": {
      if (!/^[0-9a-zA-Z-]{3,24}$/.test(a1)) return fail(400, `vault name must be 3–24 letters, digits or hyphens (Key Vault's rule), got ${JSON.stringify(a1)}`);
      const s = parseVaultSettings(o);
      if (typeof s === "string") return fail(400, s);
      const v = store.ensureVault(a1);
      v.settings = { ...v.settings, ...s };
      store.save();
      return { status: 200, body: { name: v.name, settings: v.settings, url: `${ctx.origin}/` } };
    }
    case "GET vaults/*": {
      const v = store.vault(a1);
      if (!v) return fail(404, `no vault ${a1}: create it with PUT /_emulator/vaults/${a1}`);
      return { status: 200, body: { name: v.name, settings: v.settings, keys: Object.values(v.keys).map((k) => k.name), deleted: Object.values(v.deleted).map((d) => d.key.name) } };
    }
  }
  if (area === "vaults" && a2 === "keys" && a3 !== undefined) {
    const vault = store.vault(a1);
    if (!vault) return fail(404, `no vault ${a1}: create it with PUT /_emulator/vaults/${a1}`);
    if (!parseKeyName(a3).ok) return fail(400, `key name must match ^[0-9a-zA-Z-]{1,127}$, got ${JSON.stringify(a3)}`);
    const key = store.key(vault, a3);
    const base = `${ctx.origin}/`;
    if (method === "POST" && a4 === undefined) {
      const spec = parseCreateKey({ kty: "RSA", ...o });
      if (!spec.ok) return fail(400, `key spec refused: ${JSON.stringify(spec.answer.body)}`);
      if (vault.deleted[a3.toLowerCase()]) return fail(400, `key ${a3} is soft-deleted in vault ${a1}: recover or purge it first`);
      const v = await newVersion(spec.value, Math.floor(ctx.now / 1000));
      const record = store.key(vault, a3) ?? { name: a3, versions: [] };
      record.versions.push(v);
      vault.keys[a3.toLowerCase()] = record;
      store.save();
      return { status: 200, body: { name: record.name, version: v.version, kid: keyId(base, record.name, v.version) } };
    }
    if (!key) return fail(404, `no key ${a3} in vault ${a1}`);
    if (method === "GET" && a4 === undefined) {
      return {
        status: 200,
        body: {
          name: key.name,
          versions: key.versions.map((v) => ({ version: v.version, kty: v.kty, keySize: v.keySize, crv: v.crv, keyOps: v.keyOps, enabled: v.enabled, nbf: v.nbf, exp: v.exp, tags: v.tags })),
        },
      };
    }
    if (method === "PATCH") {
      const v = a4 === undefined ? key.versions[key.versions.length - 1] : key.versions.find((x) => x.version === a4.toLowerCase());
      if (!v) return fail(404, `no version ${a4} of key ${a3} in vault ${a1}`);
      const u = parseUpdateKey({ attributes: { enabled: o.enabled, nbf: o.nbf, exp: o.exp }, key_ops: o.keyOps, tags: o.tags });
      if (!u.ok) return fail(400, `update refused: ${JSON.stringify(u.answer.body)}`);
      const { attributes, keyOps, tags } = u.value;
      if (attributes.enabled !== undefined) v.enabled = attributes.enabled;
      if (attributes.nbf !== undefined) v.nbf = attributes.nbf ?? undefined;
      if (attributes.exp !== undefined) v.exp = attributes.exp ?? undefined;
      if (keyOps !== undefined) v.keyOps = keyOps;
      if (tags !== undefined) v.tags = tags;
      v.updated = Math.floor(ctx.now / 1000);
      store.save();
      return { status: 200, body: { name: key.name, version: v.version } };
    }
    if (method === "DELETE" && a4 === undefined) {
      // Gone for good (deleted and purged), as when a customer destroys the key.
      delete vault.keys[a3.toLowerCase()];
      store.save();
      return { status: 200, body: { name: key.name, removed: true } };
    }
  }
  switch (route) {
    case "PUT service-principals": {
      const { tenantId, clientId, secret } = o;
      if (typeof tenantId !== "string" || !GUID.test(tenantId)) return fail(400, `tenantId must be a GUID, got ${JSON.stringify(tenantId)}`);
      if (typeof clientId !== "string" || !GUID.test(clientId)) return fail(400, `clientId must be a GUID, got ${JSON.stringify(clientId)}`);
      if (typeof secret !== "string" || secret.length < 8) return fail(400, "secret must be a string of at least 8 characters");
      const existing = store.state.servicePrincipals.find((p) => p.tenantId === tenantId.toLowerCase() && p.clientId === clientId.toLowerCase());
      if (existing) existing.secret = secret;
      else store.state.servicePrincipals.push({ tenantId: tenantId.toLowerCase(), clientId: clientId.toLowerCase(), secret, objectId: randomUUID() });
      store.save();
      const p = store.state.servicePrincipals.find((x) => x.tenantId === tenantId.toLowerCase() && x.clientId === clientId.toLowerCase())!;
      return { status: 200, body: { tenantId: p.tenantId, clientId: p.clientId, objectId: p.objectId } };
    }
    case "DELETE service-principals/*": {
      const before = store.state.servicePrincipals.length;
      store.state.servicePrincipals = store.state.servicePrincipals.filter((p) => p.objectId !== a1.toLowerCase());
      store.save();
      return before === store.state.servicePrincipals.length ? fail(404, `no service principal with object id ${a1}`) : { status: 200, body: { removed: true } };
    }
    case "PUT grants":
    case "DELETE grants": {
      const { principalId, vault, key } = o;
      if (typeof principalId !== "string" || !store.state.servicePrincipals.some((p) => p.objectId === principalId)) {
        return fail(400, `principalId must be the objectId of a registered service principal (PUT /_emulator/service-principals returns it), got ${JSON.stringify(principalId)}`);
      }
      if (typeof vault !== "string" || !store.vault(vault)) return fail(400, `vault must name an existing vault, got ${JSON.stringify(vault)}`);
      if (key !== undefined && (typeof key !== "string" || !parseKeyName(key).ok)) return fail(400, `key must be a key name or absent (whole vault), got ${JSON.stringify(key)}`);
      const actions = method === "DELETE" && o.actions === undefined ? undefined : parseActions(o.actions);
      if (typeof actions === "string") return fail(400, actions);
      if (method === "PUT") grant(store.state.grants, principalId, vault.toLowerCase(), key as string | undefined, actions!);
      else revoke(store.state.grants, principalId, vault.toLowerCase(), key as string | undefined, actions);
      store.save();
      return { status: 200, body: { grants: store.state.grants.filter((g) => g.principalId === principalId) } };
    }
    case "PUT faults": {
      const f = parseFault(o);
      if (typeof f === "string") return fail(400, f);
      ctx.faults.push(f);
      return { status: 200, body: { faults: ctx.faults } };
    }
    case "DELETE faults":
      ctx.faults.length = 0;
      return { status: 200, body: { faults: [] } };
    case "GET requests":
      return { status: 200, body: ctx.log };
    case "DELETE requests":
      ctx.log.length = 0;
      return { status: 200, body: [] };
  }
  return fail(404, `no admin route ${method} /${ADMIN_PREFIX}/${segments.join("/")}`);
}
