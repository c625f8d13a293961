// PlatformClient against a real HTTP server on loopback that misbehaves on purpose.
import { expect } from "chai";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PlatformClient, PlatformError } from "../../../sdk";
import { rejection } from "../../support/rejection";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const STATE = {
  accountId: "acct-0123456789abcdef",
  mode: "platform-managed",
  effectiveKeySource: "platform",
  fallback: null,
  platformKey: { version: "pk-1", createdAt: "2026-01-01T00:00:00.000Z", nextRotationAt: "2026-04-01T00:00:00.000Z", rotationPeriodDays: 90 },
  byok: null,
};
const TOKEN = "ekm_secret-token-that-must-not-leak";

describe("PlatformClient", function () {
  let server: Server;
  let url: string;
  let handler: Handler;
  let hits: { method: string; url: string; headers: IncomingMessage["headers"] }[];
  let sleeps: number[];

  before(async () => {
    server = createServer((req, res) => {
      hits.push({ method: req.method!, url: req.url!, headers: req.headers });
      handler(req, res, hits.length);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  beforeEach(() => {
    hits = [];
    sleeps = [];
  });

  const client = (extra: Partial<ConstructorParameters<typeof PlatformClient>[0]> = {}) =>
    new PlatformClient({ baseUrl: url, token: TOKEN, sleep: async (ms) => void sleeps.push(ms), ...extra });
  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const catchErr = (p: Promise<unknown>) => rejection<PlatformError>(p);


  it("retries a GET that fails twice with 503, then succeeds, backing off with jitter", async () => {
    handler = (_q, res, n) => (n <= 2 ? reply(res, 503, { error: { code: "internal", message: "busy" } }) : reply(res, 200, STATE));
    const state = await client().getKeyManagement(STATE.accountId);
    expect(state.mode).to.equal("platform-managed");
    expect(hits).to.have.length(3);
    expect(sleeps).to.have.length(2);
    expect(sleeps[0]).to.be.within(0, 200);
    expect(sleeps[1]).to.be.within(0, 400);
    expect(new Set(hits.map((h) => h.headers["x-request-id"])).size, "each attempt has its own request id").to.equal(3);
    expect(hits[0].headers.authorization).to.equal(`Bearer ${TOKEN}`);
  });

  it("honours Retry-After on 429", async () => {
    handler = (_q, res, n) => (n === 1 ? reply(res, 429, { error: { code: "internal", message: "slow down" } }, { "retry-after": "3" }) : reply(res, 200, STATE));
    await client().getKeyManagement(STATE.accountId);
    expect(sleeps).to.deep.equal([3000]);
  });

  it("caps Retry-After at maxDelayMs", async () => {
    handler = (_q, res, n) => (n === 1 ? reply(res, 503, { error: { code: "internal", message: "later" } }, { "retry-after": "3600" }) : reply(res, 200, STATE));
    await client({ retry: { maxDelayMs: 5000 } }).getKeyManagement(STATE.accountId);
    expect(sleeps).to.deep.equal([5000]);
  });

  it("gives up after maxAttempts and reports the attempts", async () => {
    handler = (_q, res) => reply(res, 502, { error: { code: "internal", message: "bad gateway" } });
    const err = await catchErr(client({ retry: { maxAttempts: 3 } }).getKeyManagement(STATE.accountId));
    expect(err).to.be.instanceOf(PlatformError);
    expect(err.status).to.equal(502);
    expect(err.attempts).to.equal(3);
    expect(hits).to.have.length(3);
  });

  it("does not retry a 4xx, and carries code, field and request id", async () => {
    handler = (req, res) => reply(res, 400, { error: { code: "validation_failed", message: "aws.keyArn: must be a KMS key ARN", field: "aws.keyArn", requestId: req.headers["x-request-id"] } });
    const err = await catchErr(
      client().putByok(STATE.accountId, { provider: "aws", aws: { keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::111122223333:role/r" }, nickname: "n", activationDate: "2026-01-01" }),
    );
    expect(hits).to.have.length(1);
    expect(err.code).to.equal("validation_failed");
    expect(err.field).to.equal("aws.keyArn");
    expect(err.requestId).to.equal(hits[0].headers["x-request-id"]);
    expect(err.message).to.equal(`PUT /v1/accounts/${STATE.accountId}/key-management/byok failed (400 validation_failed, request ${err.requestId}): aws.keyArn: must be a KMS key ARN`);
  });

  it("does not retry a non-idempotent POST on 503", async () => {
    handler = (_q, res) => reply(res, 503, { error: { code: "internal", message: "busy" } });
    const err = await catchErr(client().encryptContent(STATE.accountId, "x"));
    expect(err.status).to.equal(503);
    expect(hits).to.have.length(1);
  });

  it("times out a slow answer, retries it, and says how to fix it", async () => {
    handler = (_q, res) => setTimeout(() => reply(res, 200, STATE), 1_000);
    const err = await catchErr(client({ timeoutMs: 100, retry: { maxAttempts: 2 } }).getKeyManagement(STATE.accountId));
    expect(err.code).to.equal("timeout");
    expect(err.status).to.equal(0);
    expect(err.attempts).to.equal(2);
    expect(err.message).to.contain(`no answer within 100 ms: check that the platform at ${url} is up, or raise timeoutMs`);
  });

  it("reports a refused connection as network_error after retrying, without the token", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const err = await catchErr(new PlatformClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, sleep: async () => {} }).getKeyManagement(STATE.accountId));
    expect(err.code).to.equal("network_error");
    expect(err.attempts).to.equal(4);
    expect(err.message).to.contain("ECONNREFUSED");
    expect(JSON.stringify({ ...err, message: err.message })).not.to.contain(TOKEN);
  });

  it("carries the checks of a failed key validation", async () => {
    const checks = [{ name: "sts:AssumeRole", status: "failed", message: "role cannot be assumed" }];
    handler = (_q, res) => reply(res, 422, { error: { code: "key_validation_failed", message: "failed", checks } });
    const err = await catchErr(client().validateByok(STATE.accountId, { provider: "aws", aws: { keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::111122223333:role/r" }, nickname: "n", activationDate: "2026-01-01" }));
    expect(err.status).to.equal(422);
    expect(err.checks).to.deep.equal(checks);
  });

  it("sends If-Match on patch and maps 412", async () => {
    handler = (_q, res) => reply(res, 412, { error: { code: "precondition_failed", message: "stale" } });
    const err = await catchErr(client().patchByok(STATE.accountId, { nickname: "x" }, { ifMatch: '"abc"' }));
    expect(hits[0].headers["if-match"]).to.equal('"abc"');
    expect(err.status).to.equal(412);
    expect(hits).to.have.length(1);
  });

  it("rejects an answer that breaks the contract", async () => {
    handler = (_q, res) => reply(res, 200, { ...STATE, mode: "weird" });
    const err = await catchErr(client().getKeyManagement(STATE.accountId));
    expect(err.code).to.equal("invalid_response");
    expect(err.message).to.contain("mode");
  });

  it("returns undefined from getByok on 404 byok_not_configured, and throws on an unknown account", async () => {
    handler = (_q, res) => reply(res, 404, { error: { code: "byok_not_configured", message: "no BYOK configuration" } });
    expect(await client().getByok(STATE.accountId)).to.equal(undefined);
    handler = (_q, res) => reply(res, 404, { error: { code: "not_found", message: "account not found" } });
    const err = await catchErr(client().getByok(STATE.accountId));
    expect(err.code).to.equal("not_found");
  });

  it("rejects a bad base URL and a missing token up front", () => {
    expect(() => new PlatformClient({ baseUrl: "127.0.0.1:80", token: "t" })).to.throw('baseUrl must be an http(s) URL such as http://127.0.0.1:8080; received "127.0.0.1:80"');
    expect(() => new PlatformClient({ baseUrl: "http://x", token: "" })).to.throw("token is required: pass an account or admin token (set EKM_API_TOKEN)");
  });
});
