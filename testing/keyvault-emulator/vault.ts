/**
 * The keys data plane of one vault: routes, data actions, and the answers. Called after the
 * caller's token was accepted; every path here answers (never throws on input).
 */
import { openBackup, sealBackup } from "./backupBlob";
import { assignmentId, grantFor } from "./authz";
import {
  badParameter,
  deletedButRecoverable,
  deletedKeyNotFound,
  forbiddenByRbac,
  keyDisabled,
  keyNotFound,
  kvError,
  operationNotPermitted,
  outsideValidity,
  type Answer,
} from "./errors";
import { KEY_DATA_ACTIONS, type KeyDataAction } from "./facts";
import { deletedKeyBundle, isRsa, keyBundle, keyItem, newVersion, unwrap, wrap, type VaultBaseUrl } from "./keys";
import type { KeyOperation, KeyRecord, KeyVersionRecord, VaultRecord } from "./model";
import { durationSeconds, isRsaWrapAlgorithm, parseCreateKey, parseJsonObject, parseKeyName, parseKeyOperation, parseRotationPolicy, parseUpdateKey } from "./requests";
import type { Store } from "./store";
import type { AccessTokenClaims } from "./tokens";

/** What a data-plane call runs with. */
export interface VaultCall {
  readonly store: Store;
  readonly vault: VaultRecord;
  /** `https://<host>/` as the client addressed the vault. */
  readonly base: VaultBaseUrl;
  readonly caller: AccessTokenClaims;
  readonly method: string;
  /** Path segments, empty ones dropped (the service treats `/keys//create` like `/keys/create`). */
  readonly segments: readonly string[];
  readonly body: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

const sec = (ms: number) => Math.floor(ms / 1000);

const operationNotSpecified = () => badParameter("Operation not specified");
const methodNotAllowed = (method: string, path: string) => kvError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}' on ${path}.`);

/** Answers one data-plane call. */
export async function vaultAnswer(call: VaultCall): Promise<Answer> {
  const [collection, ...rest] = call.segments;
  const path = `/${call.segments.join("/")}`;
  if (collection?.toLowerCase() === "keys") return keysRoute(call, rest, path);
  if (collection?.toLowerCase() === "deletedkeys") return deletedKeysRoute(call, rest, path);
  return kvError(404, "NotFound", `The requested resource ${path} is not part of the keys API this emulator serves (keys, deletedkeys).`);
}

/** Checks a data action; on success returns the header naming the assignment. */
function authorize(call: VaultCall, action: KeyDataAction, key: string | undefined): { denied: Answer } | { headers: Record<string, string> } {
  const g = grantFor(call.store.state.grants, call.caller.oid, call.vault.name, key, action);
  if (g === undefined) {
    return { denied: forbiddenByRbac({ appId: call.caller.appid, objectId: call.caller.oid, tenantId: call.caller.tid, action, vault: call.vault.name, key }) };
  }
  return { headers: { "x-ms-keyvault-rbac-assignment-id": assignmentId(g) } };
}

/** Runs `fn` when the caller holds `action`; adds the assignment header to its answer. */
async function withAction(call: VaultCall, action: KeyDataAction, key: string | undefined, fn: () => Answer | Promise<Answer>): Promise<Answer> {
  const a = authorize(call, action, key);
  if ("denied" in a) return a.denied;
  const answer = await fn();
  return { ...answer, headers: { ...a.headers, ...answer.headers } };
}

function body(call: VaultCall): { ok: true; value: Record<string, unknown> } | { ok: false; answer: Answer } {
  return parseJsonObject(call.body);
}

const current = (k: KeyRecord): KeyVersionRecord => k.versions[k.versions.length - 1];
const findVersion = (k: KeyRecord, version: string) => k.versions.find((v) => v.version === version.toLowerCase());

async function keysRoute(call: VaultCall, rest: readonly string[], path: string): Promise<Answer> {
  const { method, store, vault, base } = call;
  if (rest.length === 0) {
    if (method !== "GET") return methodNotAllowed(method, path);
    return withAction(call, KEY_DATA_ACTIONS.read, undefined, () => ({
      status: 200,
      body: { value: Object.values(vault.keys).map((k) => ({ ...keyItem(base, vault, k, current(k)), kid: `${base}keys/${k.name}` })), nextLink: null },
    }));
  }
  if (rest.length === 1 && rest[0].toLowerCase() === "restore" && method === "POST") return restore(call);
  const nameCheck = parseKeyName(rest[0]);
  if (!nameCheck.ok) return nameCheck.answer;
  const name = rest[0];
  const key = store.key(vault, name);
  const sub = rest[1]?.toLowerCase();

  if (rest.length === 1) {
    if (method === "GET") return withAction(call, KEY_DATA_ACTIONS.read, name, () => (key ? { status: 200, body: keyBundle(base, vault, key, current(key)) } : keyNotFound(name)));
    if (method === "PATCH") return withAction(call, KEY_DATA_ACTIONS.update, name, () => (key ? update(call, key, current(key)) : keyNotFound(name)));
    if (method === "DELETE") return withAction(call, KEY_DATA_ACTIONS.delete, name, () => (key ? remove(call, key) : keyNotFound(name)));
    if (method === "POST") return operationNotSpecified();
    return methodNotAllowed(method, path);
  }
  if (rest.length === 2) {
    switch (sub) {
      case "create":
        return method === "POST" ? withAction(call, KEY_DATA_ACTIONS.create, name, () => create(call, name, key)) : methodNotAllowed(method, path);
      case "rotate":
        return method === "POST" ? withAction(call, KEY_DATA_ACTIONS.rotate, name, () => (key ? rotate(call, key) : keyNotFound(name))) : methodNotAllowed(method, path);
      case "versions":
        return method === "GET"
          ? withAction(call, KEY_DATA_ACTIONS.read, name, () => ({ status: 200, body: { value: (key?.versions ?? []).map((v) => keyItem(base, vault, key!, v)), nextLink: null } }))
          : methodNotAllowed(method, path);
      case "backup":
        return method === "POST"
          ? withAction(call, KEY_DATA_ACTIONS.backup, name, () => (key ? { status: 200, body: { value: sealBackup(key, store.state.tokenSecret).toString("base64url") } } : keyNotFound(name)))
          : methodNotAllowed(method, path);
      case "rotationpolicy":
        if (method === "GET") return withAction(call, KEY_DATA_ACTIONS.rotationPolicyRead, name, () => (key ? { status: 200, body: rotationPolicyBody(call, key) } : keyNotFound(name)));
        if (method === "PUT") return withAction(call, KEY_DATA_ACTIONS.rotationPolicyWrite, name, () => (key ? putRotationPolicy(call, key) : keyNotFound(name)));
        return methodNotAllowed(method, path);
      case "wrapkey":
      case "unwrapkey":
      case "encrypt":
      case "decrypt":
        return method === "POST" ? cryptoOperation(call, name, key, undefined, sub) : methodNotAllowed(method, path);
      default: {
        // /keys/{name}/{version}
        const version = rest[1];
        const missing = () => keyNotFound(`${name}/${version}`);
        const v = key ? findVersion(key, version) : undefined;
        if (method === "GET") return withAction(call, KEY_DATA_ACTIONS.read, name, () => (key && v ? { status: 200, body: keyBundle(base, vault, key, v) } : missing()));
        if (method === "PATCH") return withAction(call, KEY_DATA_ACTIONS.update, name, () => (key && v ? update(call, key, v) : missing()));
        if (method === "POST") return operationNotSpecified();
        return methodNotAllowed(method, path);
      }
    }
  }
  if (rest.length === 3) {
    const op = rest[2].toLowerCase();
    if (["wrapkey", "unwrapkey", "encrypt", "decrypt"].includes(op)) {
      return method === "POST" ? cryptoOperation(call, name, key, rest[1], op) : methodNotAllowed(method, path);
    }
  }
  return kvError(404, "NotFound", `The requested resource ${path} is not part of the keys API this emulator serves.`);
}

async function create(call: VaultCall, name: string, key: KeyRecord | undefined): Promise<Answer> {
  const { store, vault, base } = call;
  const o = body(call);
  if (!o.ok) return o.answer;
  const spec = parseCreateKey(o.value);
  if (!spec.ok) return spec.answer;
  // Recorded: an exportable key without a release policy is refused; releasable keys are out of scope.
  if (spec.value.exportable && !spec.value.hasReleasePolicy) return badParameter("AKV.SKR.1004: Exportable keys must have release policy.");
  if (spec.value.exportable || spec.value.hasReleasePolicy) return badParameter("Exportable keys with a release policy need Secure Key Release, which this emulator does not model.");
  if (vault.deleted[name.toLowerCase()] !== undefined) return deletedButRecoverable(name);
  const v = await newVersion(spec.value, sec(call.now));
  // Key generation is asynchronous: another request may have created the key meanwhile.
  const record = store.key(vault, name) ?? key ?? { name, versions: [] };
  record.versions.push(v);
  vault.keys[name.toLowerCase()] = record;
  store.save();
  return { status: 200, body: keyBundle(base, vault, record, v) };
}

function update(call: VaultCall, key: KeyRecord, v: KeyVersionRecord): Answer {
  const o = body(call);
  if (!o.ok) return o.answer;
  const u = parseUpdateKey(o.value);
  if (!u.ok) return u.answer;
  const { attributes, keyOps, tags } = u.value;
  if (attributes.enabled !== undefined) v.enabled = attributes.enabled;
  if (attributes.nbf !== undefined) v.nbf = attributes.nbf ?? undefined;
  if (attributes.exp !== undefined) v.exp = attributes.exp ?? undefined;
  if (keyOps !== undefined) v.keyOps = keyOps;
  if (tags !== undefined) v.tags = tags;
  v.updated = sec(call.now);
  call.store.save();
  return { status: 200, body: keyBundle(call.base, call.vault, key, v) };
}

function remove(call: VaultCall, key: KeyRecord): Answer {
  const { vault, store, base } = call;
  const id = key.name.toLowerCase();
  const now = sec(call.now);
  const deleted = { key, deletedDate: now, scheduledPurgeDate: now + vault.settings.recoverableDays * 86400 };
  delete vault.keys[id];
  if (vault.settings.softDelete) vault.deleted[id] = deleted;
  store.save();
  return { status: 200, body: deletedKeyBundle(base, vault, deleted) };
}

async function rotate(call: VaultCall, key: KeyRecord): Promise<Answer> {
  const c = current(key);
  const now = sec(call.now);
  const expiry = key.rotationPolicy?.expiryTime;
  const v = await newVersion({ kty: c.kty, keySize: c.keySize, crv: c.crv, keyOps: c.keyOps, tags: c.tags, exp: expiry === undefined ? undefined : now + durationSeconds(expiry)! }, now);
  key.versions.push(v);
  call.store.save();
  return { status: 200, body: keyBundle(call.base, call.vault, key, v) };
}

function rotationPolicyBody(call: VaultCall, key: KeyRecord): Record<string, unknown> {
  const p = key.rotationPolicy;
  // Recorded: a key that never had a policy answers the default one, without id and with null attributes.
  if (p === undefined) return { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }], attributes: null };
  return {
    id: `${call.base}keys/${key.name}/rotationpolicy`,
    lifetimeActions: p.lifetimeActions,
    attributes: { ...(p.expiryTime === undefined ? {} : { expiryTime: p.expiryTime }), created: p.created, updated: p.updated },
  };
}

function putRotationPolicy(call: VaultCall, key: KeyRecord): Answer {
  const o = body(call);
  if (!o.ok) return o.answer;
  const p = parseRotationPolicy(o.value);
  if (!p.ok) return p.answer;
  const actions = [...p.value.lifetimeActions];
  // Recorded: a policy without a Notify action comes back with the default one added.
  if (!actions.some((a) => a.action.type === "Notify")) actions.push({ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } });
  const now = sec(call.now);
  key.rotationPolicy = { lifetimeActions: actions, expiryTime: p.value.expiryTime, created: key.rotationPolicy?.created ?? now, updated: now };
  call.store.save();
  return { status: 200, body: rotationPolicyBody(call, key) };
}

function restore(call: VaultCall): Promise<Answer> {
  return withAction(call, KEY_DATA_ACTIONS.restore, undefined, () => {
    const o = body(call);
    if (!o.ok) return o.answer;
    const value = o.value.value;
    const blob = typeof value === "string" && /^[A-Za-z0-9_-]*={0,2}$/.test(value) ? Buffer.from(value, "base64url") : undefined;
    const key = blob && openBackup(blob, call.store.state.tokenSecret);
    // Recorded: the code is the phrase itself.
    if (!key) return kvError(400, "Malformed backup blob", "Backup blob is corrupt.");
    const id = key.name.toLowerCase();
    if (call.vault.keys[id] !== undefined) return kvError(409, "Conflict", `There was a conflict restoring the key ${key.name}: a key with this name already exists in the vault.`);
    if (call.vault.deleted[id] !== undefined) return deletedButRecoverable(key.name);
    call.vault.keys[id] = key;
    call.store.save();
    return { status: 200, body: keyBundle(call.base, call.vault, key, current(key)) };
  });
}

const OPERATION_OF: Record<string, { op: KeyOperation; action: KeyDataAction; protects: boolean }> = {
  // `protects`: the operation produces protected data (wrap, encrypt) — refused outside the nbf/exp window; unwrap and decrypt are not.
  wrapkey: { op: "wrapKey", action: KEY_DATA_ACTIONS.wrap, protects: true },
  encrypt: { op: "encrypt", action: KEY_DATA_ACTIONS.encrypt, protects: true },
  unwrapkey: { op: "unwrapKey", action: KEY_DATA_ACTIONS.unwrap, protects: false },
  decrypt: { op: "decrypt", action: KEY_DATA_ACTIONS.decrypt, protects: false },
};

function cryptoOperation(call: VaultCall, name: string, key: KeyRecord | undefined, version: string | undefined, operation: string): Promise<Answer> {
  const { op, action, protects } = OPERATION_OF[operation];
  return withAction(call, action, name, () => {
    const v = key && (version === undefined ? current(key) : findVersion(key, version));
    if (!key || !v) return keyNotFound(version === undefined ? name : `${name}/${version}`);
    const o = body(call);
    if (!o.ok) return o.answer;
    const input = parseKeyOperation(o.value);
    if (!input.ok) return input.answer;
    if (!v.keyOps.includes(op)) return operationNotPermitted(op);
    // A disabled key still wraps and encrypts; unwrap and decrypt are refused (reported from a live vault).
    if (!protects && !v.enabled) return keyDisabled(op);
    const now = sec(call.now);
    if (protects && v.exp !== undefined && now >= v.exp) return outsideValidity(op, true);
    if (protects && v.nbf !== undefined && now < v.nbf) return outsideValidity(op, false);
    // EC keys have no encryption algorithm (about-keys-details: "EC-P256 … Encrypt/Decrypt (Wrap/Unwrap): NA").
    if (!isRsa(v.kty)) return badParameter(`Algorithm ${input.value.alg.slice(0, 40)} is not supported for key type ${v.kty}: EC keys sign and verify only.`);
    if (!isRsaWrapAlgorithm(input.value.alg)) return badParameter(`Algorithm ${input.value.alg.slice(0, 40)} is not supported for key type ${v.kty}: use RSA-OAEP-256, RSA-OAEP or RSA1_5.`);
    const kid = `${call.base}keys/${key.name}/${v.version}`;
    try {
      const value = protects ? wrap(v, input.value.alg, input.value.value) : unwrap(v, input.value.alg, input.value.value);
      return { status: 200, body: { kid, value: value.toString("base64url") } };
    } catch {
      return badParameter(protects ? `The value is too long to ${op} with ${input.value.alg} under a ${v.keySize}-bit key.` : "The parameter is incorrect.");
    }
  });
}

async function deletedKeysRoute(call: VaultCall, rest: readonly string[], path: string): Promise<Answer> {
  const { method, vault, base, store } = call;
  if (rest.length === 0) {
    if (method !== "GET") return methodNotAllowed(method, path);
    return withAction(call, KEY_DATA_ACTIONS.deletedRead, undefined, () => ({
      status: 200,
      body: {
        value: Object.values(vault.deleted).map((d) => {
          const b = deletedKeyBundle(base, vault, d);
          return { recoveryId: b.recoveryId, deletedDate: b.deletedDate, scheduledPurgeDate: b.scheduledPurgeDate, kid: `${base}keys/${d.key.name}`, attributes: b.attributes, ...(b.tags ? { tags: b.tags } : {}) };
        }),
        nextLink: null,
      },
    }));
  }
  const nameCheck = parseKeyName(rest[0]);
  if (!nameCheck.ok) return nameCheck.answer;
  const name = rest[0];
  const id = name.toLowerCase();
  const deleted = vault.deleted[id];
  if (rest.length === 1) {
    if (method === "GET") return withAction(call, KEY_DATA_ACTIONS.deletedRead, name, () => (deleted ? { status: 200, body: deletedKeyBundle(base, vault, deleted) } : deletedKeyNotFound(name)));
    if (method === "DELETE") {
      return withAction(call, KEY_DATA_ACTIONS.purge, name, () => {
        if (!deleted) return deletedKeyNotFound(name);
        // Purge protection: "a vault or an object in the deleted state cannot be purged until the retention period has passed"
        // (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview#purge-protection).
        if (vault.settings.purgeProtection && sec(call.now) < deleted.scheduledPurgeDate) {
          return kvError(403, "Forbidden", `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault will purge key ${name} after its retention period.`, "PurgeProtected");
        }
        delete vault.deleted[id];
        store.save();
        return { status: 204 };
      });
    }
    return methodNotAllowed(method, path);
  }
  if (rest.length === 2 && rest[1].toLowerCase() === "recover") {
    if (method !== "POST") return methodNotAllowed(method, path);
    return withAction(call, KEY_DATA_ACTIONS.recover, name, () => {
      // Recorded: recovering a key that is not deleted answers the KeyNotFound text of live keys.
      if (!deleted) return keyNotFound(name);
      delete vault.deleted[id];
      vault.keys[id] = deleted.key;
      store.save();
      return { status: 200, body: keyBundle(base, vault, deleted.key, current(deleted.key)) };
    });
  }
  return kvError(404, "NotFound", `The requested resource ${path} is not part of the keys API this emulator serves.`);
}
