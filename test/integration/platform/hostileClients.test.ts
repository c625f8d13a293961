// Hostile request bodies, ids and tokens against the real ekm-platform process: limits that agree
// (everything encrypt accepts decrypts under the same settings), JSON structure limits with small
// answers, truncated echoes, never a 500, and an admin token that cannot touch content.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_ROUTES, OPERATION_IDS, pathOf, type RouteSpec } from "../../../sdk";
import { PROCESS_ADMIN_TOKEN, startPlatformProcess, type PlatformProcess } from "../../support/platformProcess";

interface Answer {
  status: number;
  bytes: number;
  error?: { code: string; message: string; field?: string };
  body: Record<string, unknown>;
}

async function send(url: string, method: string, path: string, token: string, body?: string): Promise<Answer> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as { error?: Answer["error"] } & Record<string, unknown>;
  return { status: res.status, bytes: Buffer.byteLength(text), error: json.error, body: json };
}

describe("platform process: hostile clients", function () {
  this.timeout(120_000);
  const MAX_BODY = 4096;
  let dir: string;
  let p: PlatformProcess;
  let acct: { accountId: string; token: string };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ekm-hostile-"));
    p = await startPlatformProcess(dir, { args: ["--max-body-bytes", String(MAX_BODY)] });
    acct = await p.admin.createAccount({ name: "target" });
  });
  after(async () => {
    await p?.stop();
    // No request of this suite may have been an internal error.
    expect(p.proc.tail(200_000)).to.not.contain('"status":500');
    rmSync(dir, { recursive: true, force: true });
  });
  const encryptPath = () => pathOf("encryptContent", acct.accountId);
  const decryptPath = () => pathOf("decryptContent", acct.accountId);

  describe("limits that agree", () => {
    // 3 × ⌊(4096 − 64) / 4⌋ − 59: the ciphertext (59 bytes more) in base64 inside {"ciphertext":…} with 64 bytes of room.
    const LARGEST = 2965;
    it("encrypts the largest plaintext the settings allow, and its ciphertext decrypts under the same body limit", async () => {
      const plaintext = Buffer.alloc(LARGEST, 7).toString("base64");
      const enc = await send(p.url, "POST", encryptPath(), acct.token, JSON.stringify({ plaintext }));
      expect(enc.status).to.equal(200);
      const dec = await send(p.url, "POST", decryptPath(), acct.token, JSON.stringify({ ciphertext: enc.body.ciphertext }));
      expect([dec.status, dec.body.plaintext]).to.deep.equal([200, plaintext]);
    });

    it("refuses one byte more with 413 naming the largest accepted size, although the encrypt body itself is under the limit", async () => {
      for (const size of [LARGEST + 1, 3000]) {
        const body = JSON.stringify({ plaintext: Buffer.alloc(size, 7).toString("base64") });
        expect(Buffer.byteLength(body), "the encrypt body fits the limit").to.be.below(MAX_BODY);
        const r = await send(p.url, "POST", encryptPath(), acct.token, body);
        expect([r.status, r.error]).to.deep.equal([
          413,
          {
            code: "payload_too_large",
            message: `plaintext is ${size} bytes, over the largest this platform encrypts, ${LARGEST} bytes (its ciphertext must fit a content:decrypt body under the ${MAX_BODY}-byte limit): send less content per call`,
            field: "plaintext",
            requestId: (r.error as unknown as { requestId: string }).requestId,
          },
        ]);
      }
    });
  });

  describe("JSON structure", () => {
    const withBody = OPERATION_IDS.filter((id) => (API_ROUTES[id] as RouteSpec).request !== undefined);
    const tokenFor = (id: (typeof OPERATION_IDS)[number]) => ((API_ROUTES[id] as RouteSpec).auth === "admin" ? PROCESS_ADMIN_TOKEN : acct.token);
    const pathFor = (id: (typeof OPERATION_IDS)[number]) => ((API_ROUTES[id] as RouteSpec).path.includes("{accountId}") ? pathOf(id, acct.accountId) : pathOf(id));

    for (const [shape, open, close] of [["arrays", "[", "]"], ["objects", '{"a":', "}"]] as const) {
      it(`answers 400 naming the depth limit to deeply nested ${shape} on every route with a body (${withBody.join(", ")})`, async () => {
        const body = open.repeat(600) + "1" + close.repeat(600);
        expect(Buffer.byteLength(body)).to.be.below(MAX_BODY);
        for (const id of withBody) {
          const r = await send(p.url, (API_ROUTES[id] as RouteSpec).method, pathFor(id), tokenFor(id), body);
          expect([id, r.status, r.error?.code, r.error?.message]).to.deep.equal([
            id,
            400,
            "validation_failed",
            "the body nests arrays or objects deeper than 32 levels: send the request's JSON object as the API documents it",
          ]);
        }
      });
    }

    it("answers 400 naming the value limit to a body with over a thousand values, in a small answer", async () => {
      const r = await send(p.url, "POST", encryptPath(), acct.token, `{"plaintext":[${Array(1500).fill(0).join(",")}]}`);
      expect([r.status, r.error?.message]).to.deep.equal([400, "the body has more than 1000 values (fields and array elements): send only the fields the API documents"]);
      expect(r.bytes).to.be.below(1000);
    });

    it("lists at most 10 problems and counts the rest", async () => {
      const fields = Array.from({ length: 300 }, (_, i) => `"x${i}":0`).join(",");
      const r = await send(p.url, "POST", encryptPath(), acct.token, `{"plaintext":"AA==",${fields}}`);
      const listed = Array.from({ length: 10 }, (_, i) => `x${i}: unknown field "x${i}": remove it (the API rejects fields it does not define)`);
      expect([r.status, r.error?.message]).to.deep.equal([400, `${listed.join("; ")}; and 290 more problems`]);
    });

    it("answers a huge field with a small 400 that does not echo it", async () => {
      const r = await send(p.url, "POST", pathOf("createAccount"), PROCESS_ADMIN_TOKEN, JSON.stringify({ name: "n".repeat(3500) }));
      expect(r.status).to.equal(400);
      expect(r.error?.field).to.equal("name");
      expect(r.bytes).to.be.below(1000);
    });
  });

  describe("echoed ids and paths", () => {
    it("cuts a very long account id in the 404", async () => {
      const id = `acct-${"x".repeat(5000)}`;
      const r = await send(p.url, "GET", pathOf("getKeyManagement", id), PROCESS_ADMIN_TOKEN);
      expect([r.status, r.error?.message]).to.deep.equal([404, `account ${id.slice(0, 64)}… (${id.length} characters) not found`]);
    });

    it("cuts a very long unknown path in the 404", async () => {
      const path = `/v1/${"y".repeat(6000)}`;
      const r = await send(p.url, "GET", path, acct.token);
      expect([r.status, r.error?.message]).to.deep.equal([404, `no route GET ${path.slice(0, 200)}… (${path.length} characters): see openapi/ekm-v1.json for the API`]);
    });
  });

  describe("admin scope", () => {
    const REFUSAL = "the admin token operates the platform (accounts, key management, maintenance) but cannot encrypt or decrypt an account's content: use the account's own token";
    it("refuses the admin token on content:encrypt and content:decrypt with 403 naming why", async () => {
      const ct = (await p.client(acct.token).encryptContent(acct.accountId, "the account's secret")).ciphertext;
      const enc = await send(p.url, "POST", encryptPath(), PROCESS_ADMIN_TOKEN, JSON.stringify({ plaintext: "AA==" }));
      const dec = await send(p.url, "POST", decryptPath(), PROCESS_ADMIN_TOKEN, JSON.stringify({ ciphertext: ct }));
      for (const r of [enc, dec]) expect([r.status, r.error?.code, r.error?.message]).to.deep.equal([403, "forbidden", REFUSAL]);
    });

    it("still lets the admin token operate the account: state, trust, events and accounts", async () => {
      for (const id of ["getKeyManagement", "getTrust", "listEvents"] as const) {
        expect((await send(p.url, "GET", pathOf(id, acct.accountId), PROCESS_ADMIN_TOKEN)).status, id).to.equal(200);
      }
      expect((await send(p.url, "POST", pathOf("createAccount"), PROCESS_ADMIN_TOKEN, "{}")).status).to.equal(201);
    });
  });
});
