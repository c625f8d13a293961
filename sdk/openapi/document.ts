/**
 * Builds the OpenAPI 3.1 document of the Key Management API from the zod schemas, so the
 * contract is written once. `npm run openapi` writes it to openapi/ekm-v1.json; a test fails
 * when the committed file is stale.
 */
import { z } from "zod";
import * as S from "../schemas";

/** Named schemas, published under #/components/schemas. */
const NAMED = {
  CreateAccountRequest: S.CreateAccountRequest,
  CreateAccountResponse: S.CreateAccountResponse,
  EncryptRequest: S.EncryptRequest,
  EncryptResponse: S.EncryptResponse,
  DecryptRequest: S.DecryptRequest,
  DecryptResponse: S.DecryptResponse,
  KeyManagementState: S.KeyManagementState,
  TrustResponse: S.TrustResponse,
  PutByokRequest: S.PutByokRequest,
  PatchByokRequest: S.PatchByokRequest,
  ByokConfiguration: S.StoredByokConfiguration,
  ValidateByokResponse: S.ValidateByokResponse,
  DeleteByokResponse: S.DeleteByokResponse,
  EventsResponse: S.EventsResponse,
  ErrorBody: S.ErrorBody,
} as const;

type Named = keyof typeof NAMED;

interface Op {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  id: string;
  summary: string;
  request?: Named;
  ok: { status: number; schema: Named };
  errors: number[];
  admin?: boolean;
  params?: { name: string; in: "query" | "header"; description: string; schema: Record<string, unknown>; required?: boolean }[];
}

const A = "/v1/accounts/{accountId}";
const COMMON = [400, 401, 404];

const OPS: Op[] = [
  { method: "post", path: "/v1/accounts", id: "createAccount", summary: "Create an account (admin token); the token is shown once", request: "CreateAccountRequest", ok: { status: 201, schema: "CreateAccountResponse" }, errors: [400, 401, 403], admin: true },
  { method: "get", path: `${A}/key-management`, id: "getKeyManagement", summary: "The account's key-management state", ok: { status: 200, schema: "KeyManagementState" }, errors: COMMON },
  { method: "get", path: `${A}/key-management/trust`, id: "getTrust", summary: "What the customer's role or role assignment must trust", ok: { status: 200, schema: "TrustResponse" }, errors: COMMON },
  {
    method: "get",
    path: `${A}/key-management/events`,
    id: "listEvents",
    summary: "The append-only audit trail",
    ok: { status: 200, schema: "EventsResponse" },
    errors: COMMON,
    params: [
      { name: "after", in: "query", description: "Only events with a greater seq", schema: { type: "integer", minimum: 0 } },
      { name: "limit", in: "query", description: "Page size", schema: { type: "integer", minimum: 1, maximum: 500 } },
    ],
  },
  { method: "get", path: `${A}/key-management/byok`, id: "getByok", summary: "The BYOK configuration (404 when there is none)", ok: { status: 200, schema: "ByokConfiguration" }, errors: COMMON },
  {
    method: "put",
    path: `${A}/key-management/byok`,
    id: "putByok",
    summary: "Validate the key with a real round trip, then store the configuration (idempotent upsert)",
    request: "PutByokRequest",
    ok: { status: 200, schema: "ByokConfiguration" },
    errors: [...COMMON, 409, 412, 422],
    params: [{ name: "If-Match", in: "header", description: "Only replace when the etag still matches", schema: { type: "string" } }],
  },
  { method: "post", path: `${A}/key-management/byok:validate`, id: "validateByok", summary: "Run the validation chain without storing anything", request: "PutByokRequest", ok: { status: 200, schema: "ValidateByokResponse" }, errors: [...COMMON, 422] },
  {
    method: "patch",
    path: `${A}/key-management/byok`,
    id: "patchByok",
    summary: "Change nickname or activation date",
    request: "PatchByokRequest",
    ok: { status: 200, schema: "ByokConfiguration" },
    errors: [...COMMON, 412, 428],
    params: [{ name: "If-Match", in: "header", description: "The etag read before the change", schema: { type: "string" }, required: true }],
  },
  {
    method: "delete",
    path: `${A}/key-management/byok`,
    id: "deleteByok",
    summary: "Revert to platform-managed keys, re-wrapping customer-wrapped data keys",
    ok: { status: 200, schema: "DeleteByokResponse" },
    errors: [...COMMON, 409],
    params: [{ name: "force", in: "query", description: "Revert even when the customer key no longer works", schema: { type: "boolean" } }],
  },
  { method: "post", path: `${A}/content:encrypt`, id: "encryptContent", summary: "Envelope-encrypt content with the effective key", request: "EncryptRequest", ok: { status: 200, schema: "EncryptResponse" }, errors: [...COMMON, 413] },
  { method: "post", path: `${A}/content:decrypt`, id: "decryptContent", summary: "Decrypt content of this account", request: "DecryptRequest", ok: { status: 200, schema: "DecryptResponse" }, errors: [...COMMON, 424] },
];

const ref = (name: Named) => ({ $ref: `#/components/schemas/${name}` });

/** The OpenAPI 3.1 document, as a plain object. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" });
  for (const s of Object.values(schemas)) delete (s as Record<string, unknown>).$id;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPS) {
    const parameters = [
      ...(op.path.includes("{accountId}") ? [{ name: "accountId", in: "path", required: true, schema: { type: "string" } }] : []),
      ...(op.params ?? []).map((p) => ({ name: p.name, in: p.in, description: p.description, required: p.required ?? false, schema: p.schema })),
    ];
    const responses: Record<string, unknown> = { [String(op.ok.status)]: { description: "OK", content: { "application/json": { schema: ref(op.ok.schema) } } } };
    for (const status of op.errors) responses[String(status)] = { description: "Error", content: { "application/json": { schema: ref("ErrorBody") } } };
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.id,
      summary: op.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(op.request ? { requestBody: { required: true, content: { "application/json": { schema: ref(op.request) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Key Management API",
      version: "1.0.0",
      description: "Enterprise Key Management of the platform: platform-managed keys rotated every 90 days, or bring your own key on AWS KMS or Azure Key Vault with fallback. Generated from the zod schemas in sdk/schemas.",
    },
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** The document as committed: stable JSON with a trailing newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
