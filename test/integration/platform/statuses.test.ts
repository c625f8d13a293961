// Every status the platform answers is one the route table, and so openapi/ekm-v1.json, lists for
// the operation: each route's success and error cases are driven over real HTTP on loopback,
// against the real server, store and envelope encryption (only the customer's KMS is simulated).
import { expect } from "chai";
import { request as httpRequest } from "node:http";
import { API_ROUTES, ErrorBody, isDocumentedStatus, EDGE_STATUSES, type OperationId, type RouteSpec } from "../../../sdk";
import { FakeKms } from "../../unit/dynamic-providers/fakeCustomerKeys";
import { raw, startTestPlatform, undocumentedStatuses, type TestPlatform } from "../../support/platform";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE = "arn:aws:iam::111122223333:role/ekm-platform-access";
const PUT = JSON.stringify({ provider: "aws", aws: { keyArn: KEY, roleArn: ROLE }, nickname: "prod", activationDate: "2020-01-01" });
const MAX_BODY = 4096;

/** One request and its answer. */
interface Answer {
  readonly status: number;
  readonly json: unknown;
  readonly headers: Headers | Record<string, string | string[] | undefined>;
}

/** Sends headers larger than Node's 16 KiB limit; Node's parser answers 431 before any route runs. */
function oversizedHeaders(url: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: "GET", headers: { "x-padding": "a".repeat(20_000) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: undefined, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("platform: every status it answers is in the OpenAPI document", function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  const kms = new FakeKms();
  let acct: { accountId: string; token: string };
  let other: { accountId: string; token: string };
  kms.add(KEY);

  before(async () => {
    tp = await startTestPlatform({ customerKeys: kms.factory, maintenanceIntervalMs: 3_600_000, maxBodyBytes: MAX_BODY });
    acct = await tp.newAccount("statuses");
    other = await tp.newAccount("other");
  });
  after(async () => tp?.close());

  const A = () => `/v1/accounts/${acct.accountId}`;
  const as = (token: string | undefined, method: string, path: string, body?: string, headers: Record<string, string> = {}) => raw(tp.url, method, path, { token, body, headers });
  const me = (method: string, path: string, body?: string, headers?: Record<string, string>) => as(acct.token, method, `${A()}${path}`, body, headers);

  /** [operation, what, request, expected status]; run in order, since later cases build on the state earlier ones leave. */
  const cases: [OperationId, string, () => Promise<Answer>, number][] = [
    ["createAccount", "with the admin token", () => as(tp.adminToken, "POST", "/v1/accounts", "{}"), 201],
    ["createAccount", "without a token", () => as(undefined, "POST", "/v1/accounts", "{}"), 401],
    ["createAccount", "with an unknown token", () => as("not-a-token", "POST", "/v1/accounts", "{}"), 401],
    ["createAccount", "with an account token", () => as(acct.token, "POST", "/v1/accounts", "{}"), 403],
    ["createAccount", "with invalid JSON", () => as(tp.adminToken, "POST", "/v1/accounts", "{"), 400],
    ["createAccount", "with an unknown field", () => as(tp.adminToken, "POST", "/v1/accounts", '{"colour":"red"}'), 400],
    ["createAccount", "with a text body", () => as(tp.adminToken, "POST", "/v1/accounts", "{}", { "content-type": "text/plain" }), 415],
    ["createAccount", "with a body over the limit", () => as(tp.adminToken, "POST", "/v1/accounts", JSON.stringify({ name: "x".repeat(MAX_BODY) })), 413],
    ["getKeyManagement", "of its own account", () => me("GET", "/key-management"), 200],
    ["getKeyManagement", "of another account", () => as(other.token, "GET", `${A()}/key-management`), 404],
    ["getKeyManagement", "of an unknown account", () => as(tp.adminToken, "GET", "/v1/accounts/acct-unknown0/key-management"), 404],
    ["getKeyManagement", "with a path that is not valid percent-encoding", () => as(tp.adminToken, "GET", "/v1/accounts/%E0%A4%A/key-management"), 400],
    ["getKeyManagement", "with headers over Node's limit", () => oversizedHeaders(tp.url, `${A()}/key-management`), 431],
    ["getTrust", "of its own account", () => me("GET", "/key-management/trust"), 200],
    ["listEvents", "a page", () => me("GET", "/key-management/events?limit=5"), 200],
    ["listEvents", "with limit 0", () => me("GET", "/key-management/events?limit=0"), 400],
    ["listEvents", "with a negative after", () => me("GET", "/key-management/events?after=-1"), 400],
    ["getByok", "before any configuration", () => me("GET", "/key-management/byok"), 404],
    ["patchByok", "before any configuration", () => me("PATCH", "/key-management/byok", '{"nickname":"n"}', { "if-match": '"x"' }), 404],
    ["validateByok", "a working key", () => me("POST", "/key-management/byok:validate", PUT), 200],
    ["validateByok", "a vault host the platform may not call", () => me("POST", "/key-management/byok:validate", JSON.stringify({ provider: "azure", azure: { vaultUrl: "https://127.0.0.1:9/", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", keyName: "k" }, nickname: "n", activationDate: "2020-01-01" })), 422],
    ["putByok", "a new configuration", () => me("PUT", "/key-management/byok", PUT, { "if-none-match": "*" }), 201],
    ["putByok", "the same configuration again", () => me("PUT", "/key-management/byok", PUT), 200],
    ["putByok", "create-only over an existing configuration", () => me("PUT", "/key-management/byok", PUT, { "if-none-match": "*" }), 412],
    ["putByok", "with a stale If-Match", () => me("PUT", "/key-management/byok", PUT, { "if-match": '"stale"' }), 412],
    ["putByok", "with an If-None-Match other than *", () => me("PUT", "/key-management/byok", PUT, { "if-none-match": '"etag"' }), 400],
    ["putByok", "a key that does not exist", () => me("PUT", "/key-management/byok", PUT.replace("1234abcd-12ab", "00000000-0000")), 422],
    ["getByok", "the configuration", () => me("GET", "/key-management/byok"), 200],
    ["patchByok", "without If-Match", () => me("PATCH", "/key-management/byok", '{"nickname":"n"}'), 428],
    ["patchByok", "with a stale If-Match", () => me("PATCH", "/key-management/byok", '{"nickname":"n"}', { "if-match": '"stale"' }), 412],
    ["patchByok", "with neither field", () => me("PATCH", "/key-management/byok", "{}", { "if-match": '"stale"' }), 400],
    ["encryptContent", "content", () => me("POST", "/content:encrypt", '{"plaintext":"aGVsbG8="}'), 200],
    ["encryptContent", "text that is not base64", () => me("POST", "/content:encrypt", '{"plaintext":"not base64!"}'), 400],
    ["decryptContent", "text that is not a ciphertext", () => me("POST", "/content:decrypt", '{"ciphertext":"aGVsbG8gd29ybGQ="}'), 400],
    ["deleteByok", "with force neither true nor false", () => me("DELETE", "/key-management/byok?force=maybe"), 400],
    ["deleteByok", "while the key service is down", () => (kms.break(KEY, "kms:Decrypt", "connect ECONNREFUSED", "unavailable"), me("DELETE", "/key-management/byok")), 503],
    ["deleteByok", "while the key refuses to unwrap", () => (kms.break(KEY, "kms:Decrypt", "kms:Decrypt denied"), me("DELETE", "/key-management/byok")), 409],
    ["deleteByok", "forced, giving the data up", () => me("DELETE", "/key-management/byok?force=true"), 200],
    ["deleteByok", "when nothing is configured", () => me("DELETE", "/key-management/byok"), 200],
  ];

  /** The ciphertext the encrypt case produced, for the 424 case at the end. */
  let ciphertext = "";

  for (const [id, what, send, expected] of cases) {
    it(`answers ${id} ${what} with ${expected}, a status the document lists`, async () => {
      const r = await send();
      expect(r.status, JSON.stringify(r.json)).to.equal(expected);
      expect(isDocumentedStatus(id, r.status), `${id} ${r.status}`).to.equal(true);
      const route: RouteSpec = API_ROUTES[id];
      if (r.status in route.success) {
        const parsed = route.response.safeParse(r.json);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).to.equal(true);
      } else if (r.status !== 431) {
        expect(ErrorBody.safeParse(r.json).success, JSON.stringify(r.json)).to.equal(true);
      }
      if (r.status === 503) expect((r.headers as Headers).get("retry-after")).to.equal("30");
      if (id === "encryptContent" && r.status === 200) ciphertext = (r.json as { ciphertext: string }).ciphertext;
    });
  }

  it("answers decryptContent of content whose customer key was given up with 424, a status the document lists", async () => {
    expect(ciphertext, "the encrypt case ran").to.not.equal("");
    const r = await me("POST", "/content:decrypt", JSON.stringify({ ciphertext }));
    expect(r.status).to.equal(424);
    expect(isDocumentedStatus("decryptContent", r.status)).to.equal(true);
  });

  it("answers a method a path does not have with 405 and Allow, and an unknown path with 404, the edge statuses the document states", async () => {
    const wrongMethod = await as(acct.token, "POST", `${A()}/key-management`);
    expect([wrongMethod.status, wrongMethod.headers.get("allow"), wrongMethod.json.error?.code]).to.deep.equal([405, "GET", "method_not_allowed"]);
    const unknown = await as(acct.token, "GET", "/v2/nothing");
    expect([unknown.status, unknown.json.error?.message]).to.deep.equal([404, "no route GET /v2/nothing: see openapi/ekm-v1.json for the API"]);
    expect(Object.keys(EDGE_STATUSES)).to.deep.equal(["404", "405"]);
  });

  it("finds an undocumented status in a request log", () => {
    const lines = [
      JSON.stringify({ message: "request", route: "getTrust", status: 200 }),
      JSON.stringify({ message: "request", route: "getTrust", status: 409 }),
      JSON.stringify({ message: "request", route: "unknown", status: 405 }),
      JSON.stringify({ message: "request", route: "unknown", status: 500 }),
    ];
    expect(undocumentedStatuses(lines)).to.deep.equal(["getTrust 409", "unknown 500"]);
  });
});
