// The real @azure/keyvault-keys client parses every recorded real response it would receive: each
// recording is played back, in order, through the SDK's own pipeline (an HttpClient answering
// with the recorded responses), driven by the SDK call each recorded request stands for. Success
// bodies must deserialize to the values they carry; errors must surface with their status and code.
import { expect } from "chai";
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { CryptographyClient, KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { header, loadRecordings, recordedPath, type RecordedEntry, type Recording } from "../../support/kvRecordings";

const VAULT = "https://playback.vault.azure.net";

const staticCredential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: "playback-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** Answers requests with a recording's responses in order; unauthenticated requests get the recorded challenge. */
class Player implements HttpClient {
  next = 1;
  readonly served: string[] = [];
  lastDelete: RecordedEntry | undefined;
  constructor(readonly r: Recording) {}
  get pending(): RecordedEntry | undefined {
    return this.r.entries[this.next];
  }
  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const path = new URL(request.url).pathname;
    const respond = (e: RecordedEntry, status = e.StatusCode): PipelineResponse => {
      const headers = createHttpHeaders();
      for (const [k, v] of Object.entries(e.ResponseHeaders)) if (k.toLowerCase() !== "content-length") headers.set(k, v);
      return { request, status, headers, bodyAsText: e.ResponseBody === null || e.ResponseBody === undefined ? "" : JSON.stringify(e.ResponseBody) };
    };
    if (!request.headers.has("authorization")) return respond(this.r.entries[0]);
    const e = this.pending;
    const shape = (p: string) => p.toLowerCase().replace(/\/+$/, "").replace(/\/+/g, "/");
    if (e && e.RequestMethod === request.method && shape(recordedPath(e.RequestUri).path) === shape(path)) {
      this.next++;
      if (e.RequestMethod === "DELETE" && /^\/keys\//i.test(path)) this.lastDelete = e;
      this.served.push(`${request.method} ${path}`);
      return respond(e);
    }
    // A recording that ended after a DELETE has no polls: the poller gets the deleted key as the DELETE answered it.
    if (request.method === "GET" && /^\/deletedkeys\//i.test(path) && this.lastDelete && this.next >= this.r.entries.length) return respond(this.lastDelete);
    // CryptographyClient first GETs the key to work locally; a 403 sends it to the vault for the operation (its documented fallback).
    if (request.method === "GET" && /^\/keys\/[^/]+(\/[0-9a-f]{32})?\/?$/i.test(path)) {
      const forbidden = createHttpHeaders({ "content-type": "application/json; charset=utf-8" });
      return { request, status: 403, headers: forbidden, bodyAsText: JSON.stringify({ error: { code: "Forbidden", message: "playback: not recorded", innererror: { code: "ForbiddenByRbac" } } }) };
    }
    throw new Error(`playback of ${this.r.file}: unexpected ${request.method} ${path}; next recorded: ${e ? `${e.RequestMethod} ${recordedPath(e.RequestUri).path}` : "none"}`);
  }
}

/** Checks a KeyVaultKey against the recorded bundle it was parsed from. */
function expectKey(k: KeyVaultKey, body: Record<string, unknown>): void {
  const key = body.key as Record<string, unknown>;
  const attributes = body.attributes as Record<string, unknown>;
  expect(k.id).to.equal(key.kid);
  expect(k.keyType).to.equal(key.kty);
  expect(k.keyOperations).to.deep.equal(key.key_ops);
  expect(k.properties.enabled).to.equal(attributes.enabled);
  expect(k.properties.recoveryLevel).to.equal(attributes.recoveryLevel);
  expect(k.properties.createdOn?.getTime()).to.equal((attributes.created as number) * 1000);
  if (attributes.exp !== undefined) expect(k.properties.expiresOn?.getTime()).to.equal((attributes.exp as number) * 1000);
  if (attributes.nbf !== undefined) expect(k.properties.notBefore?.getTime()).to.equal((attributes.nbf as number) * 1000);
  if (key.n !== undefined) expect(Buffer.from(k.key!.n!).toString("base64url")).to.equal(key.n);
  if (key.x !== undefined) expect(Buffer.from(k.key!.x!).toString("base64url")).to.equal(key.x);
  if (body.tags !== undefined) expect(k.properties.tags).to.deep.equal(body.tags);
}

async function drive(r: Recording, player: Player): Promise<number> {
  const keys = new KeyClient(VAULT, staticCredential, { httpClient: player, retryOptions: { maxRetries: 0 } });
  let parsed = 0;
  while (player.pending) {
    const e = player.pending;
    // Empty segments kept: `/keys//create` is a create with an empty name; a trailing slash is a versionless GET.
    const segs = recordedPath(e.RequestUri).path.split("/").slice(1);
    if (segs.length > 2 && segs[segs.length - 1] === "") segs.pop();
    const [collection, name = "", second, third] = segs;
    const body = e.ResponseBody as Record<string, unknown> | null;
    const req = (e.RequestBody ?? {}) as Record<string, unknown>;
    let call: () => Promise<unknown>;
    let check: (v: unknown) => void = () => undefined;
    const op = (second ?? "").toLowerCase();
    if (collection === "keys" && op === "create") {
      call = () => keys.createKey(name, (req.kty as string) ?? "RSA", { keySize: req.key_size as number | undefined, curve: req.crv as never, keyOps: req.key_ops as never, tags: req.tags as never, exportable: (req.attributes as { exportable?: boolean } | undefined)?.exportable });
      check = (v) => expectKey(v as KeyVaultKey, body!);
    } else if (collection === "keys" && e.RequestMethod === "GET" && (second === undefined || second === "" || /^[0-9a-f]{32}$/.test(second))) {
      call = () => keys.getKey(name, second ? { version: second } : {});
      check = (v) => expectKey(v as KeyVaultKey, body!);
    } else if (collection === "keys" && e.RequestMethod === "PATCH") {
      call = () => keys.updateKeyProperties(name, second, { enabled: (req.attributes as { enabled?: boolean } | undefined)?.enabled, expiresOn: (req.attributes as { exp?: number } | undefined)?.exp ? new Date((req.attributes as { exp: number }).exp * 1000) : undefined });
      check = (v) => expectKey(v as KeyVaultKey, body!);
    } else if (collection === "keys" && e.RequestMethod === "DELETE") {
      // The delete poller GETs /deletedkeys/{name} until it stops answering 404: the recorded polls.
      call = async () => (await keys.beginDeleteKey(name, { intervalInMs: 0 })).pollUntilDone();
      check = (v) => expect((v as { properties: { recoveryId?: string } }).properties.recoveryId).to.equal(body!.recoveryId);
    } else if (collection === "deletedkeys" && e.RequestMethod === "GET") {
      call = () => keys.getDeletedKey(name);
    } else if (collection === "deletedkeys" && e.RequestMethod === "DELETE") {
      call = () => keys.purgeDeletedKey(name);
    } else if (collection === "deletedkeys" && op === "recover") {
      call = async () => (await keys.beginRecoverDeletedKey(name, { intervalInMs: 0 })).pollUntilDone();
    } else if (op === "rotationpolicy" && e.RequestMethod === "PUT") {
      call = () => keys.updateKeyRotationPolicy(name, { expiresIn: "P90D", lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P30D" }] });
      check = (v) => expect((v as { lifetimeActions: unknown[] }).lifetimeActions).to.have.length((body!.lifetimeActions as unknown[]).length);
    } else if (op === "rotationpolicy") {
      call = () => keys.getKeyRotationPolicy(name);
      check = (v) => expect((v as { lifetimeActions: unknown[] }).lifetimeActions).to.have.length((body!.lifetimeActions as unknown[]).length);
    } else if (op === "rotate") {
      call = () => keys.rotateKey(name);
      check = (v) => expectKey(v as KeyVaultKey, body!);
    } else if (op === "versions") {
      call = async () => {
        const out = [];
        for await (const p of keys.listPropertiesOfKeyVersions(name)) out.push(p);
        return out;
      };
      check = (v) => expect(v).to.have.length((body!.value as unknown[]).length);
    } else if (op === "backup") {
      call = () => keys.backupKey(name);
    } else if (collection === "keys" && (name.toLowerCase() === "restore" || (name === "" && op === "restore"))) {
      call = () => keys.restoreKeyBackup(Buffer.from(req.value as string, "base64url"));
    } else if (/^(wrapkey|unwrapkey)$/i.test(third ?? second ?? "")) {
      const version = third ? second : undefined;
      const crypto = new CryptographyClient(`${VAULT}/keys/${name}${version ? `/${version}` : ""}`, staticCredential, { httpClient: player, retryOptions: { maxRetries: 0 } });
      const value = Buffer.from(req.value as string, "base64url");
      const wrap = /^wrapkey$/i.test(third ?? second!);
      call = () => (wrap ? crypto.wrapKey(req.alg as never, value) : crypto.unwrapKey(req.alg as never, value));
      check = (v) => {
        expect(Buffer.from((v as { result: Uint8Array }).result).toString("base64url")).to.equal(body!.value);
        // The SDK reports the key id it was given, not the answer's kid.
        expect((v as { keyID?: string }).keyID).to.match(/^https:\/\/playback\.vault\.azure\.net\/keys\//);
      };
    } else {
      throw new Error(`playback of ${r.file}: no SDK call for ${e.RequestMethod} ${recordedPath(e.RequestUri).path}`);
    }
    const before = player.next;
    const error = (body as { error?: { code?: string } } | null)?.error;
    if (error) {
      const err = await call().then(
        () => undefined,
        (x: { statusCode?: number; code?: string }) => x,
      );
      expect(err, `${r.file}: ${e.RequestMethod} ${recordedPath(e.RequestUri).path} should fail`).to.not.equal(undefined);
      expect([err!.statusCode, err!.code]).to.deep.equal([e.StatusCode, error.code]);
    } else {
      check(await call());
    }
    expect(player.next, `${r.file}: the SDK call consumed no recorded answer`).to.be.greaterThan(before);
    parsed += player.next - before;
  }
  return parsed;
}

describe("Recorded real Key Vault answers through the real @azure/keyvault-keys pipeline", () => {
  const recordings = loadRecordings();
  let total = 0;
  after(() => console.log(`Playback through @azure/keyvault-keys: ${total} recorded answers parsed (plus ${recordings.length} challenges) from ${recordings.length} recordings`));
  for (const r of recordings) {
    it(`parses ${r.file}`, async () => {
      expect(header(r.entries[0].ResponseHeaders, "WWW-Authenticate")).to.be.a("string");
      const player = new Player(r);
      total += await drive(r, player);
      expect(player.next).to.equal(r.entries.length);
    });
  }
});
