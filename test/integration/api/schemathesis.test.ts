// schemathesis fuzzes the real ekm-platform process (loopback, free port) with the committed
// openapi/ekm-v1.json, once with an account token and once with the admin token, bounded in
// examples and time. Goal: 0 server errors, 0 answers that break the document, 0 requests valid by
// the document that the platform rejects, and no other failure. The platform can reach no cloud:
// AWS calls go to a closed loopback port and Azure ones to a closed loopback proxy, so every
// generated key fails validation quickly, without traffic off the machine.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PlatformClient } from "../../../sdk";
import { freePort, waitFor } from "../../support/ports";
import { repoRoot, ServerProcess } from "../../support/process";
import { runSchemathesis, type FuzzCounts } from "../../support/schemathesis";

const BIN = path.join(repoRoot, "dist", "platform", "bin", "ekm-platform.js");
const DOCUMENT = path.join(repoRoot, "openapi", "ekm-v1.json");
const ADMIN = "fuzz-admin-token-0123456789abcdef";

/**
 * What schemathesis is told beyond the document. `path.accountId` pins the account the token
 * reaches. The expected statuses widen its positive-data check only where a valid request depends
 * on the world outside the request: a key that does not exist fails validation (422) and a random
 * etag is stale (412); a random ciphertext fails its integrity check (400); PATCH without If-Match
 * is answered 428 Precondition Required (RFC 6585), which schemathesis does not expect by default.
 * A dry run with a role in another partition than the key is refused with 422: a rule across two
 * fields that no per-field pattern can state (the document says so in the 422's description).
 */
function configFor(accountId: string, admin: boolean): string {
  // The admin token operates the platform but never reads or writes content: 403 for every content request.
  const decryptStatuses = admin ? '["403"]' : '["2xx", "400", "404", "424"]';
  return [
    "[parameters]",
    `"path.accountId" = "${accountId}"`,
    "",
    "[[operations]]",
    'include-operation-id = "putByok"',
    'checks.positive_data_acceptance.expected-statuses = ["2xx", "404", "409", "412", "422"]',
    "",
    "[[operations]]",
    'include-operation-id = "validateByok"',
    'checks.positive_data_acceptance.expected-statuses = ["2xx", "404", "422"]',
    "",
    "[[operations]]",
    'include-operation-id = "decryptContent"',
    `checks.positive_data_acceptance.expected-statuses = ${decryptStatuses}`,
    "",
    ...(admin ? ["[[operations]]", 'include-operation-id = "encryptContent"', 'checks.positive_data_acceptance.expected-statuses = ["403"]', ""] : []),
    "[[operations]]",
    'include-operation-id = "patchByok"',
    'checks.missing_required_header.expected-statuses = ["428"]',
    "",
  ].join("\n");
}

function summary(who: string, c: FuzzCounts): string {
  return `schemathesis (${who} token): ${c.generated} cases, ${c.serverErrors} server errors, ${c.nonConforming} responses that break the document, ${c.rejectedValid} document-valid requests rejected, failures by code ${JSON.stringify(c.byCode)}`;
}

describe("platform API under schemathesis (real ekm-platform process)", function () {
  this.timeout(300_000);
  let server: ServerProcess;
  let dataDir: string;
  let url: string;
  let account: { accountId: string; token: string };

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "ekm-fuzz-"));
    const closed = `http://127.0.0.1:${await freePort()}`;
    server = new ServerProcess("ekm-platform (fuzz)", process.execPath, [BIN, "--port", "0", "--data-dir", dataDir, "--aws-principal-arn", "arn:aws:iam::111122223333:role/ekm-platform"], {
      env: {
        ...process.env,
        EKM_ADMIN_TOKEN: ADMIN,
        AWS_ENDPOINT_URL: closed,
        AWS_ACCESS_KEY_ID: "fuzz",
        AWS_SECRET_ACCESS_KEY: "fuzz",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
        HTTPS_PROXY: closed,
        HTTP_PROXY: closed,
        NO_PROXY: "",
      },
    });
    await waitFor(async () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(server.tail()), { timeoutMs: 30_000, what: "ekm-platform to listen", abort: () => server.exitError() });
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.tail())![1];
    account = await new PlatformClient({ baseUrl: url, token: ADMIN }).createAccount({ name: "fuzz" });
  });
  after(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const runs: [string, () => string, number, boolean][] = [
    ["an account", () => account.token, 1, false],
    ["the admin", () => ADMIN, 2, true],
  ];
  for (const [who, token, seed, admin] of runs) {
    it(`finds no server error, no answer outside the document and no valid request rejected, with ${who} token`, async () => {
      const counts = await runSchemathesis({ document: DOCUMENT, baseUrl: url, token: token(), config: configFor(account.accountId, admin), maxExamples: 25, maxTimeSeconds: 40, seed });
      console.log(`      ${summary(who.replace(/^(an|the) /, ""), counts)}`);
      expect(counts.generated, counts.output).to.be.greaterThan(100);
      expect({ serverErrors: counts.serverErrors, nonConforming: counts.nonConforming, rejectedValid: counts.rejectedValid, byCode: counts.byCode }, counts.output).to.deep.equal({ serverErrors: 0, nonConforming: 0, rejectedValid: 0, byCode: {} });
      expect(counts.exitCode, counts.output).to.equal(0);
    });
  }
});
