// Accounts, isolation and every kind of bad input, over HTTP on loopback.
import { expect } from "chai";
import { PlatformError } from "../../../sdk";
import { raw, startTestPlatform, type TestPlatform } from "../../support/platform";

describe("platform: accounts and isolation", () => {
  let tp: TestPlatform;
  before(async () => (tp = await startTestPlatform()));
  after(() => tp.close());

  it("creates an account whose token is stored only as a hash", async () => {
    const { accountId, token } = await tp.newAccount("alpha");
    expect(accountId).to.match(/^acct-[0-9a-f]{16}$/);
    expect(token).to.match(/^ekm_/);
    const row = tp.running.platform.db.prepare("SELECT * FROM accounts WHERE id = ?").get(accountId) as Record<string, unknown>;
    expect(JSON.stringify(row)).not.to.contain(token);
    expect(row.token_hash).to.match(/^[0-9a-f]{64}$/);
  });

  it("answers 404 when an account token touches another account, never its data", async () => {
    const a = await tp.newAccount();
    const b = await tp.newAccount();
    const ct = await a.client.encryptContent(a.accountId, "secret of A");
    for (const call of [
      () => b.client.getKeyManagement(a.accountId),
      () => b.client.getTrust(a.accountId),
      () => b.client.listEvents(a.accountId),
      () => b.client.getByok(a.accountId),
      () => b.client.decryptContent(a.accountId, ct.ciphertext),
      () => b.client.encryptContent(a.accountId, "x"),
      () => b.client.deleteByok(a.accountId),
    ]) {
      const err = await call().then(() => undefined, (e: PlatformError) => e);
      expect(err, "cross-account call must fail").to.be.instanceOf(PlatformError);
      expect(err!.status).to.equal(404);
      expect(err!.message).to.contain(`account ${a.accountId} not found`);
    }
    // An existing foreign account and a made-up one look exactly alike.
    const foreign = await raw(tp.url, "GET", `/v1/accounts/${a.accountId}/key-management`, { token: b.token });
    const madeUp = await raw(tp.url, "GET", "/v1/accounts/acct-0000000000000000/key-management", { token: b.token });
    expect([foreign.status, foreign.json.error!.code, foreign.json.error!.message.replace(a.accountId, "X")]).to.deep.equal([
      madeUp.status,
      madeUp.json.error!.code,
      madeUp.json.error!.message.replace("acct-0000000000000000", "X"),
    ]);
  });

  it("fails to decrypt account A's ciphertext in account B with a clear error", async () => {
    const a = await tp.newAccount();
    const b = await tp.newAccount();
    const ct = await a.client.encryptContent(a.accountId, "secret of A");
    const err = await b.client.decryptContent(b.accountId, ct.ciphertext).then(() => undefined, (e: PlatformError) => e);
    expect(err!.status).to.equal(400);
    expect(err!.code).to.equal("decryption_failed");
    expect(err!.message).to.match(/ciphertext: its data key dk-[0-9a-f]{24} does not belong to account acct-[0-9a-f]{16}: decrypt it with the account that encrypted it$/);
  });

  it("reports the initial state: platform-managed, platform key pk-1 with its next rotation", async () => {
    const a = await tp.newAccount();
    const s = await a.client.getKeyManagement(a.accountId);
    expect(s).to.include({ accountId: a.accountId, mode: "platform-managed", effectiveKeySource: "platform", fallback: null, byok: null });
    expect(s.platformKey.version).to.equal("pk-1");
    expect(Date.parse(s.platformKey.nextRotationAt) - Date.parse(s.platformKey.createdAt)).to.equal(90 * 86_400_000);
    expect(await a.client.getByok(a.accountId)).to.equal(undefined);
    const r = await raw(tp.url, "GET", `/v1/accounts/${a.accountId}/key-management/byok`, { token: a.token });
    expect(r.status).to.equal(404);
    expect(r.json.error!.message).to.match(/^no BYOK configuration for account/);
  });

  it("lets only the admin create accounts", async () => {
    const a = await tp.newAccount();
    const r = await raw(tp.url, "POST", "/v1/accounts", { token: a.token, body: "{}" });
    expect(r.status).to.equal(403);
    expect(r.json.error).to.deep.include({ code: "forbidden", message: "this operation needs the platform admin token (EKM_ADMIN_TOKEN)" });
  });
});

describe("platform: bad input gets a 4xx naming the problem", () => {
  let tp: TestPlatform;
  let acct: { accountId: string; token: string };
  before(async () => {
    tp = await startTestPlatform({ maxBodyBytes: 4096 });
    acct = await tp.newAccount();
  });
  after(() => tp.close());

  const cases: [string, () => Promise<{ status: number; json: { error?: { code: string; message: string; field?: string } } }>, number, string, RegExp | string][] = [
    ["no token", () => raw(tp.url, "GET", `/v1/accounts/${acct.accountId}/key-management`), 401, "unauthorized", "missing Authorization header: send Authorization: Bearer <token>"],
    ["a wrong token", () => raw(tp.url, "GET", `/v1/accounts/${acct.accountId}/key-management`, { token: "ekm_wrong" }), 401, "unauthorized", "the token is not valid: use the token POST /v1/accounts returned for your account"],
    ["a Basic header", () => raw(tp.url, "GET", `/v1/accounts/${acct.accountId}/key-management`, { headers: { authorization: "Basic abc" } }), 401, "unauthorized", "the Authorization header must be Bearer <token>"],
    ["malformed JSON", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: "{nope" }), 400, "invalid_json", /^the body is not valid JSON \(.+\): send a JSON object$/],
    ["a wrong type", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: '{"plaintext":5}' }), 400, "validation_failed", "plaintext: expected string, received 5"],
    ["a missing field", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: "{}" }), 400, "validation_failed", "plaintext: is required: add plaintext (string)"],
    ["an unknown field", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: '{"plaintext":"","x":1}' }), 400, "validation_failed", 'x: unknown field "x": remove it (the API rejects fields it does not define)'],
    ["bad base64", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: '{"plaintext":"%%%"}' }), 400, "validation_failed", 'plaintext: must be standard base64 (A-Z, a-z, 0-9, +, / and = padding); received "%%%"'],
    ["a body over the limit", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: JSON.stringify({ plaintext: "A".repeat(8000) }) }), 413, "payload_too_large", /^the body is \d+ bytes, over the 4096-byte limit: send less content per call$/],
    ["a non-JSON content type", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: "x", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type", 'Content-Type must be application/json, received "text/plain"'],
    ["an unknown route", () => raw(tp.url, "GET", "/v1/nothing", { token: acct.token }), 404, "not_found", "no route GET /v1/nothing: see openapi/ekm-v1.json for the API"],
    ["a wrong method", () => raw(tp.url, "PUT", `/v1/accounts/${acct.accountId}/content:encrypt`, { token: acct.token, body: "{}" }), 405, "method_not_allowed", /^PUT is not allowed on \/v1\/accounts\/acct-[0-9a-f]{16}\/content:encrypt: use POST$/],
    ["a bad events limit", () => raw(tp.url, "GET", `/v1/accounts/${acct.accountId}/key-management/events?limit=0`, { token: acct.token }), 400, "bad_request", 'limit must be a whole number from 1 to 500, received "0"'],
    ["a bad force flag", () => raw(tp.url, "DELETE", `/v1/accounts/${acct.accountId}/key-management/byok?force=yes`, { token: acct.token }), 400, "bad_request", 'force must be true or false, received "yes"'],
    ["bad percent-encoding", () => raw(tp.url, "GET", "/v1/accounts/%E0%A4%A/key-management", { token: acct.token }), 400, "bad_request", 'the path segment "%E0%A4%A" is not valid percent-encoding'],
    ["a PATCH without If-Match", () => raw(tp.url, "PATCH", `/v1/accounts/${acct.accountId}/key-management/byok`, { token: acct.token, body: '{"nickname":"x"}' }), 428, "precondition_required", "If-Match is required: send the etag from GET .../byok so concurrent changes are not lost"],
    ["a truncated ciphertext", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:decrypt`, { token: acct.token, body: '{"ciphertext":"RUsBAQ=="}' }), 400, "decryption_failed", "ciphertext: ciphertext is truncated"],
    ["a foreign ciphertext", () => raw(tp.url, "POST", `/v1/accounts/${acct.accountId}/content:decrypt`, { token: acct.token, body: '{"ciphertext":"aGVsbG8gd29ybGQ="}' }), 400, "decryption_failed", "ciphertext: not a platform ciphertext (bad magic): pass the ciphertext exactly as content:encrypt returned it"],
  ];

  for (const [what, call, status, code, message] of cases) {
    it(`rejects ${what} with ${status} ${code}`, async () => {
      const r = await call();
      expect(r.status).to.equal(status);
      expect(r.json.error!.code).to.equal(code);
      if (typeof message === "string") expect(r.json.error!.message).to.equal(message);
      else expect(r.json.error!.message).to.match(message);
    });
  }

  it("never answers a client error with a 500 or a stack trace", async () => {
    for (const [, call] of cases) {
      const r = await call();
      expect(r.status).to.be.within(400, 499);
      expect(JSON.stringify(r.json)).not.to.match(/at .+\.(ts|js):\d+/);
    }
  });
});
