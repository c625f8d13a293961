/**
 * Builds the OpenAPI 3.1 document of the Key Management API from the route table
 * (`../api/routes.ts`) and the zod schemas, so the contract is written once. `npm run openapi`
 * writes it to openapi/ekm-v1.json; a test fails when the committed file is stale.
 */
import { z } from "zod";
import * as S from "../schemas";
import { API_ROUTES, EDGE_STATUSES, OPERATION_IDS, statusesOf, type ParamSpec, type RouteSpec } from "../api/routes";

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
  ByokRegistration: S.ByokRegistration,
  PatchByokRequest: S.PatchByokRequest,
  ByokConfiguration: S.StoredByokConfiguration,
  ValidateByokResponse: S.ValidateByokResponse,
  DeleteByokResponse: S.DeleteByokResponse,
  EventsResponse: S.EventsResponse,
  ErrorBody: S.ErrorBody,
} as const satisfies Record<string, z.ZodType>;

/** The name a schema of the route table is published under. */
function nameOf(schema: z.ZodType): string {
  const found = Object.entries(NAMED).find(([, s]) => s === schema);
  if (!found) throw new Error("a schema of the route table is not named in sdk/openapi/document.ts NAMED: add it there");
  return found[0];
}

const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${nameOf(schema)}` });
const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } };

/** The JSON Schema of a parameter's value. */
function paramSchema(p: ParamSpec): Record<string, unknown> {
  const v = p.value;
  if (v.type === "integer") return { type: "integer", minimum: v.minimum, maximum: v.maximum, default: v.default };
  if (v.type === "boolean") return { type: "boolean", default: v.default };
  return { type: "string", ...(v.pattern ? { pattern: v.pattern } : {}), ...(v.maxLength ? { maxLength: v.maxLength } : {}), ...(v.enum ? { enum: [...v.enum] } : {}) };
}

/** The response object of one status of an operation. */
function response(route: RouteSpec, status: number, description: string): Record<string, unknown> {
  if (status in route.success) {
    const headers = Object.fromEntries(Object.entries(route.responseHeaders ?? {}).map(([name, d]) => [name, { description: d, schema: { type: "string" } }]));
    return { description, ...(Object.keys(headers).length ? { headers } : {}), content: { "application/json": { schema: ref(route.response) } } };
  }
  // Node's HTTP parser answers 431 itself, before any route runs: no JSON body.
  if (status === 431) return { description };
  const headers: Record<string, unknown> = {};
  if (status === 401) headers["www-authenticate"] = { description: "The bearer challenge", schema: { type: "string" } };
  if (status === 503) headers["retry-after"] = { description: "Seconds to wait before retrying", required: true, schema: { type: "integer", minimum: 0 } };
  return { description, ...(Object.keys(headers).length ? { headers } : {}), content: errorContent };
}

/** The OpenAPI 3.1 document, as a plain object. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" });
  for (const s of Object.values(schemas)) delete (s as Record<string, unknown>).$id;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const id of OPERATION_IDS) {
    const route: RouteSpec = API_ROUTES[id];
    const parameters = [
      ...(route.path.includes("{accountId}") ? [{ name: "accountId", in: "path", required: true, schema: { type: "string", pattern: S.FORMAT_PATTERNS.accountId } }] : []),
      ...(route.params ?? []).map((p) => ({ name: p.name, in: p.in, description: p.description, required: p.required ?? false, schema: paramSchema(p) })),
    ];
    const responses = Object.fromEntries(
      Object.entries(statusesOf(id))
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([status, description]) => [status, response(route, Number(status), description)]),
    );
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: id,
      summary: route.summary,
      ...(route.auth === "admin" ? { description: "Needs the platform admin token." } : {}),
      ...(route.auth === "content" ? { description: "Needs the account's own token: the admin token operates the platform but cannot read or write content." } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.request ? { requestBody: { required: true, content: { "application/json": { schema: ref(route.request) } } } } : {}),
      responses,
    };
  }
  const edge = Object.entries(EDGE_STATUSES)
    .map(([status, d]) => `${status}: ${d}`)
    .join("; ");
  return {
    openapi: "3.1.0",
    info: {
      title: "Key Management API",
      version: "1.0.0",
      description:
        "Enterprise Key Management of the platform: platform-managed keys rotated every 90 days, or bring your own key on AWS KMS or Azure Key Vault with fallback. " +
        `Generated from the route table in sdk/api/routes.ts and the zod schemas in sdk/schemas. Outside every operation the platform answers ${edge}.`,
    },
    components: {
      schemas,
      responses: {
        MethodNotAllowed: { description: EDGE_STATUSES[405], headers: { allow: { description: "The methods of the path", schema: { type: "string" } } }, content: errorContent },
      },
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** The document as committed: stable JSON with a trailing newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
