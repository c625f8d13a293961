// Conformance of the Key Vault emulator against recorded real Azure Key Vault traffic: every
// recorded exchange is replayed, in order, against the running emulator process (over TLS, each
// recording in a vault of its own named by Host header), and the answers are compared exchange by
// exchange: status, error.code and innererror.code, the WWW-Authenticate challenge, the headers
// clients read, and the JSON shape of every body (field names and types, key material and ids by
// form), validated against the keys REST spec's schemas too. Deliberate differences are named
// rules, counted and printed; anything else fails the test.
import { expect } from "chai";
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKeyVaultEmulator, type RunningEmulator } from "../../../testing/keyvault-emulator";
import { clientCredentialsToken, httpsCall, type RawAnswer } from "../../support/kvEmulator";
import { header, loadRecordings, loadSpec, recordedPath, responseSchema, specPath, validateSchema, type RecordedEntry, type Recording } from "../../support/kvRecordings";

/** A deliberate difference: when it applies to an exchange, and why the emulator differs. */
interface Difference {
  readonly id: string;
  readonly why: string;
}

const DIFFERENCES = {
  deletedKeyEventual: {
    id: "deleted-key-eventual",
    why: "Real vaults answer GET /deletedkeys/{name} 404 for a few seconds after a DELETE; the emulator's soft delete is immediately consistent (200 at once).",
  },
  keySizeAttribute: {
    id: "key-size-attribute",
    why: "Service versions before 1.9.3070 do not report attributes.key_size; the emulator models the newer service, which does.",
  },
  rbacHeaderOnError: {
    id: "rbac-header-on-error",
    why: "The emulator names the RBAC assignment (x-ms-keyvault-rbac-assignment-id) on every authorized answer; older service versions omitted it on some 400s.",
  },
} as const satisfies Record<string, Difference>;

/** Headers the test proxy's sanitizers removed from a language's recordings (their README's table): absent there by sanitizing, not by the service. */
const SANITIZER_REMOVED: Record<string, readonly string[]> = { python: ["x-ms-request-id"] };

/** Headers clients read: must be present on the emulator's answer when present on the recorded one. */
const HEADERS_CLIENTS_READ = ["content-type", "www-authenticate", "x-ms-request-id", "retry-after", "x-ms-keyvault-service-version", "x-ms-keyvault-rbac-assignment-id", "cache-control"];

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const VERSION = /^[0-9a-f]{32}$/;

/** The form of a value: identical for two bodies that differ only in key material, ids, times and ciphertexts. */
function form(value: unknown, at: string): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.map((v, i) => form(v, `${at}[${i}]`));
  if (typeof value === "object") {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, form((value as Record<string, unknown>)[k], `${at}.${k}`)]));
  }
  if (typeof value === "string") {
    const leaf = at.split(".").pop()!;
    // The Go recordings' sanitizer writes the rotation policy id as "Sanitized".
    if (leaf === "id" && value === "Sanitized") return "https://<vault>/keys/<name>/rotationpolicy";
    if (/^(kid|recoveryId|id)$/.test(leaf)) {
      return value.replace(/^https:\/\/[^/]+\//, "https://<vault>/").replace(/\/[0-9a-f]{32}$/, "/<version>").replace(/\/keys\/[^/]+\/rotationpolicy$/, "/keys/<name>/rotationpolicy");
    }
    if (/^(n|e|x|y|value)$/.test(leaf) && BASE64URL.test(value)) return `base64url(${Buffer.from(value, "base64url").length} bytes)`;
    if (leaf === "message") return "string";
    return value;
  }
  if (typeof value === "number" && /\.(created|updated|deletedDate|scheduledPurgeDate|nbf|exp)$/.test(at)) return "unix-time";
  return typeof value === "number" ? typeof value : value;
}

/** Paths where two forms differ. */
function formDiff(a: unknown, b: unknown, at = "$"): string[] {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return [`${at}: recorded ${JSON.stringify(a)}, emulator ${JSON.stringify(b)}`];
  if (a !== null && typeof a === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    const out: string[] = [];
    for (const k of new Set([...ka, ...kb])) {
      if (!(k in (a as object))) out.push(`${at}.${k}: only in the emulator's answer`);
      else if (!(k in (b as object))) out.push(`${at}.${k}: only in the recorded answer`);
      else out.push(...formDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
    }
    return out;
  }
  return a === b ? [] : [`${at}: recorded ${JSON.stringify(a)}, emulator ${JSON.stringify(b)}`];
}

/** Per-recording replay state: recorded versions and ciphertexts → the emulator's. */
interface ReplayState {
  readonly versions: Map<string, string>;
  readonly ciphertexts: Map<string, string>;
  /** Public JWKs of the emulator's versions, by emulator version. */
  readonly jwks: Map<string, Record<string, unknown>>;
  lastDeleteAt: number;
}

function versionOfKid(kid: unknown): string | undefined {
  return typeof kid === "string" ? /\/([0-9a-f]{32})$/.exec(kid)?.[1] : undefined;
}

/** The request the emulator gets for a recorded one: versions and ciphertexts mapped. */
function translate(e: RecordedEntry, st: ReplayState): { method: string; path: string; body: string } {
  const { path, query } = recordedPath(e.RequestUri);
  const mappedPath = path
    .split("/")
    .map((s) => st.versions.get(s.toLowerCase()) ?? s)
    .join("/");
  let body = e.RequestBody;
  const op = path.split("/").filter(Boolean).pop()?.toLowerCase();
  if (op === "unwrapkey" && body && typeof body === "object") {
    const b = body as { alg: string; value: string };
    let value = st.ciphertexts.get(b.value);
    if (value === undefined) {
      // The client wrapped locally (no wrapkey recorded): wrap the recorded plaintext (the recorded
      // unwrap answer) under the emulator key's public key, as that client would have.
      const version = mappedPath.split("/").filter(Boolean)[2];
      const jwk = st.jwks.get(version);
      if (!jwk) throw new Error(`replay: no public key of version ${version} for a local wrap`);
      const plaintext = Buffer.from((e.ResponseBody as { value: string }).value, "base64url");
      const padding = b.alg === "RSA1_5" ? { padding: constants.RSA_PKCS1_PADDING } : { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: b.alg === "RSA-OAEP-256" ? "sha256" : "sha1" };
      value = publicEncrypt({ key: createPublicKey({ key: { kty: "RSA", n: jwk.n as string, e: jwk.e as string }, format: "jwk" }), ...padding }, plaintext).toString("base64url");
    }
    body = { ...b, value };
  }
  return { method: e.RequestMethod, path: `${mappedPath}${query}`, body: body === null || body === undefined ? "" : JSON.stringify(body) };
}

function learn(e: RecordedEntry, got: RawAnswer, st: ReplayState): void {
  const rec = e.ResponseBody as Record<string, unknown> | null;
  const ours = got.json as Record<string, unknown> | undefined;
  if (!rec || !ours) return;
  const rv = versionOfKid((rec.key as { kid?: string } | undefined)?.kid);
  const ov = versionOfKid((ours.key as { kid?: string } | undefined)?.kid);
  if (rv && ov) {
    st.versions.set(rv, ov);
    st.jwks.set(ov, ours.key as Record<string, unknown>);
  }
  const op = recordedPath(e.RequestUri).path.split("/").filter(Boolean).pop()?.toLowerCase();
  if (op === "wrapkey" && typeof rec.value === "string" && typeof ours.value === "string") st.ciphertexts.set(rec.value, ours.value);
}

/** The vault settings a recording's answers show (recovery level and days) and its tenant. */
function vaultSettingsOf(r: Recording): { tenantId: string; softDelete: boolean; purgeProtection: boolean; recoverableDays: number } {
  const challenge = header(r.entries[0].ResponseHeaders, "WWW-Authenticate") ?? "";
  const tenantId = /login\.microsoftonline\.com\/([0-9a-f-]{36})/.exec(challenge)?.[1] ?? "00000000-0000-0000-0000-000000000000";
  const attrs = r.entries.map((e) => (e.ResponseBody as { attributes?: { recoveryLevel?: string; recoverableDays?: number } } | null)?.attributes).find((a) => a?.recoveryLevel);
  const level = attrs?.recoveryLevel ?? "CustomizedRecoverable+Purgeable";
  return { tenantId, softDelete: level !== "Purgeable", purgeProtection: !level.endsWith("+Purgeable") && level !== "Purgeable", recoverableDays: attrs?.recoverableDays ?? 7 };
}

interface Outcome {
  readonly recording: string;
  readonly index: number;
  readonly request: string;
  readonly mismatches: string[];
  readonly differences: string[];
}

describe("Key Vault emulator conformance against recorded real traffic", function () {
  this.timeout(300_000);
  let emu: RunningEmulator;
  let dataDir: string;
  const outcomes: Outcome[] = [];
  let schemaChecked = 0;
  const spec = loadSpec("2025-07-01");
  const recordings = loadRecordings();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kv-conformance-"));
    emu = await startKeyVaultEmulator({ dataDir, hostAliases: ["*.vault.azure.net"] });
  });
  after(async () => {
    await emu?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("replays every recorded exchange and matches each one, or names the deliberate difference", async () => {
    const tokens = new Map<string, string>();
    for (const [i, r] of recordings.entries()) {
      const vault = `rec${i}`;
      const host = `${vault}.vault.azure.net`;
      const settings = vaultSettingsOf(r);
      await emu.admin.putVault(vault, settings);
      if (!tokens.has(settings.tenantId)) {
        const clientId = "3a1b2c4d-0000-4000-8000-00000000c11e";
        const secret = "replay-client-secret";
        const sp = await emu.admin.registerServicePrincipal({ tenantId: settings.tenantId, clientId, secret });
        tokens.set(`${settings.tenantId}/oid`, sp.objectId);
        tokens.set(settings.tenantId, await clientCredentialsToken({ port: emu.port, ca: emu.caPem, tenantId: settings.tenantId, clientId, secret }));
      }
      await emu.admin.grant({ principalId: tokens.get(`${settings.tenantId}/oid`)!, vault, actions: "*" });
      const st: ReplayState = { versions: new Map(), ciphertexts: new Map(), jwks: new Map(), lastDeleteAt: -1 };
      for (const [index, e] of r.entries.entries()) {
        const t = translate(e, st);
        const authorized = header(e.RequestHeaders, "Authorization") !== undefined || (index > 0 && r.file.startsWith("python/"));
        const got = await httpsCall({
          port: emu.port,
          host,
          method: t.method,
          path: t.path,
          ca: emu.caPem,
          headers: { "content-type": "application/json", ...(authorized ? { authorization: `Bearer ${tokens.get(settings.tenantId)}` } : {}) },
          body: authorized ? t.body : "",
        });
        learn(e, got, st);
        outcomes.push(compare(r, index, e, got, st));
        if (e.RequestMethod === "DELETE" && /^\/keys\//i.test(recordedPath(e.RequestUri).path)) st.lastDeleteAt = index;
      }
    }

    const differences = new Map<string, number>();
    for (const o of outcomes) for (const d of o.differences) differences.set(d, (differences.get(d) ?? 0) + 1);
    const failed = outcomes.filter((o) => o.mismatches.length > 0);
    const matchedExactly = outcomes.filter((o) => o.mismatches.length === 0 && o.differences.length === 0).length;
    const lines = [
      `Key Vault emulator conformance: ${recordings.length} recordings, ${outcomes.length} exchanges replayed, ${matchedExactly} matched, ${outcomes.length - matchedExactly - failed.length} matched with deliberate differences, ${failed.length} mismatched; ${schemaChecked} answers validated against the keys spec (2025-07-01) schemas, recorded and emulator bodies alike`,
      ...[...differences].map(([id, n]) => `  deliberate difference ${id}: ${n} exchange(s) — ${Object.values(DIFFERENCES).find((d) => d.id === id)?.why}`),
      ...failed.map((o) => `  MISMATCH ${o.recording} #${o.index} ${o.request}: ${o.mismatches.join("; ")}`),
    ];
    console.log(lines.join("\n"));
    expect(failed.map((o) => `${o.recording} #${o.index} ${o.request}: ${o.mismatches.join("; ")}`)).to.deep.equal([]);
    expect(outcomes.length).to.equal(recordings.reduce((n, r) => n + r.entries.length, 0));
    expect(schemaChecked).to.be.greaterThan(outcomes.length / 2);
  });

  function compare(r: Recording, index: number, e: RecordedEntry, got: RawAnswer, st: ReplayState): Outcome {
    const { path } = recordedPath(e.RequestUri);
    const mismatches: string[] = [];
    const differences = new Set<string>();
    const request = `${e.RequestMethod} ${path}`;
    const rec = e.ResponseBody as Record<string, unknown> | null;
    const ours = got.json as Record<string, unknown> | undefined;

    // Polling right after a DELETE: the real vault is eventually consistent, the emulator is not.
    const pollAfterDelete = e.RequestMethod === "GET" && /^\/deletedkeys\/[^/]+$/i.test(path) && e.StatusCode === 404 && st.lastDeleteAt >= 0;
    if (pollAfterDelete && got.status === 200) {
      differences.add(DIFFERENCES.deletedKeyEventual.id);
      return { recording: r.file, index, request, mismatches, differences: [...differences] };
    }

    if (got.status !== e.StatusCode) mismatches.push(`status: recorded ${e.StatusCode}, emulator ${got.status} ${got.text.slice(0, 300)}`);
    const recError = (rec as { error?: { code?: string; innererror?: { code?: string } } } | null)?.error;
    if (recError) {
      const ourError = (ours as { error?: { code?: string; innererror?: { code?: string } } } | undefined)?.error;
      if (ourError?.code !== recError.code) mismatches.push(`error.code: recorded ${recError.code}, emulator ${ourError?.code}`);
      if (ourError?.innererror?.code !== recError.innererror?.code) mismatches.push(`innererror.code: recorded ${recError.innererror?.code}, emulator ${ourError?.innererror?.code}`);
    }

    const recChallenge = header(e.ResponseHeaders, "WWW-Authenticate");
    if (recChallenge !== undefined) {
      const shape = /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}", resource="https:\/\/vault\.azure\.net"$/;
      if (!shape.test(recChallenge)) mismatches.push(`recorded challenge has an unexpected form: ${recChallenge}`);
      // Same tenant (the vault was created in the recording's tenant): the challenge must be identical.
      if (got.headers["www-authenticate"] !== recChallenge) mismatches.push(`WWW-Authenticate: recorded ${recChallenge}, emulator ${got.headers["www-authenticate"]}`);
    }
    for (const h of HEADERS_CLIENTS_READ) {
      const recorded = header(e.ResponseHeaders, h);
      const mine = got.headers[h];
      if (recorded !== undefined && mine === undefined) mismatches.push(`header ${h}: recorded, missing from the emulator's answer`);
      const sanitized = SANITIZER_REMOVED[r.file.split("/")[0]]?.includes(h) ?? false;
      if (recorded === undefined && mine !== undefined && h !== "cache-control" && !sanitized) {
        if (h === "x-ms-keyvault-rbac-assignment-id" && e.StatusCode >= 400) differences.add(DIFFERENCES.rbacHeaderOnError.id);
        else mismatches.push(`header ${h}: only in the emulator's answer (${mine})`);
      }
    }
    if (header(e.ResponseHeaders, "content-type") !== undefined && got.headers["content-type"] !== header(e.ResponseHeaders, "content-type")) {
      mismatches.push(`Content-Type: recorded ${header(e.ResponseHeaders, "content-type")}, emulator ${got.headers["content-type"]}`);
    }
    if (e.StatusCode === 204 && got.text !== "") mismatches.push(`204 with a body: ${got.text.slice(0, 100)}`);

    if (rec !== null && rec !== undefined && !recError) {
      let diff = formDiff(form(rec, "$"), form(ours, "$"));
      const serviceVersion = header(e.ResponseHeaders, "x-ms-keyvault-service-version") ?? "";
      const [, , , build] = serviceVersion.split(".").map(Number);
      if (build < 3070) {
        const before = diff.length;
        diff = diff.filter((d) => !/\.attributes\.key_size: only in the emulator's answer$/.test(d) && !/^\$\.value\[\d+\]\.attributes\.key_size: only in the emulator/.test(d));
        if (diff.length < before) differences.add(DIFFERENCES.keySizeAttribute.id);
      }
      mismatches.push(...diff.map((d) => `body ${d}`));
      // Ids: the emulator's kid has the form https://<its host>/keys/<name>/<32 hex>.
      const kid = (ours?.key as { kid?: string } | undefined)?.kid ?? (ours as { kid?: string } | undefined)?.kid;
      if (typeof kid === "string" && !new RegExp(`^https://rec\\d+\\.vault\\.azure\\.net:\\d+/keys/[0-9a-zA-Z-]+/[0-9a-f]{32}$`).test(kid)) mismatches.push(`kid form: ${kid}`);
      if (typeof kid === "string" && !VERSION.test(kid.split("/").pop()!)) mismatches.push(`version form: ${kid}`);
    }
    // Unwrap answers the plaintext: it must equal the recorded plaintext exactly.
    if (/\/unwrapkey$/i.test(path) && e.StatusCode === 200 && (ours as { value?: string } | undefined)?.value !== (rec as { value?: string }).value) {
      mismatches.push("unwrapkey: the emulator's plaintext differs from the recorded one");
    }
    // Both bodies against the spec's response schema.
    const template = specPath(spec, e.RequestMethod, path.replace(/\/+/g, "/"));
    if (template !== undefined && rec !== null) {
      const schema = responseSchema(spec, template, e.RequestMethod, e.StatusCode);
      if (schema) {
        schemaChecked++;
        mismatches.push(...validateSchema(spec, schema, rec).map((v) => `recorded body vs spec: ${v}`));
        mismatches.push(...validateSchema(spec, schema, ours).map((v) => `emulator body vs spec: ${v}`));
      }
    }
    return { recording: r.file, index, request, mismatches, differences: [...differences] };
  }
});
