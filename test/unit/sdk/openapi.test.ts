import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderOpenApiDocument } from "../../../sdk/openapi/document";

describe("openapi/ekm-v1.json", () => {
  it("rejects a stale committed document when the schemas change (regenerate with npm run openapi)", () => {
    const committed = readFileSync(join(__dirname, "..", "..", "..", "openapi", "ekm-v1.json"), "utf8");
    expect(committed === renderOpenApiDocument(), "openapi/ekm-v1.json is stale: run npm run openapi and commit it").to.equal(true);
  });

  it("describes every route the platform serves, with the fixed shapes", () => {
    const doc = JSON.parse(renderOpenApiDocument()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => `${m.toUpperCase()} ${path} ${op.operationId}`));
    expect(ops).to.have.members([
      "POST /v1/accounts createAccount",
      "GET /v1/accounts/{accountId}/key-management getKeyManagement",
      "GET /v1/accounts/{accountId}/key-management/trust getTrust",
      "GET /v1/accounts/{accountId}/key-management/events listEvents",
      "GET /v1/accounts/{accountId}/key-management/byok getByok",
      "PUT /v1/accounts/{accountId}/key-management/byok putByok",
      "PATCH /v1/accounts/{accountId}/key-management/byok patchByok",
      "DELETE /v1/accounts/{accountId}/key-management/byok deleteByok",
      "POST /v1/accounts/{accountId}/key-management/byok:validate validateByok",
      "POST /v1/accounts/{accountId}/content:encrypt encryptContent",
      "POST /v1/accounts/{accountId}/content:decrypt decryptContent",
    ]);
  });
});
