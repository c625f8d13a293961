/**
 * The route table of the Key Management API (v1): every operation once, with its method, path,
 * operation id, auth kind, request and response schemas, parameters, success and error statuses
 * and idempotency. The OpenAPI document (`../openapi/document.ts`), the client's methods
 * (`../client/platformClient.ts`) and the server's routing (`platform/http/`) are derived from it.
 */
import type { z } from "zod";
import * as S from "../schemas";

/** An HTTP method the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Which bearer token an operation needs: the platform admin token; a token that reaches the path's
 * account (the account's own, or the admin token, which operates the platform); or, for content,
 * only the account's own token (the admin token operates the platform but never reads or writes
 * an account's content).
 */
export type AuthKind = "admin" | "account" | "content";

/** A query parameter's or header's value, as the OpenAPI document and the server read it. */
export type ParamValue =
  | { readonly type: "integer"; readonly minimum: number; readonly maximum: number; readonly default: number }
  | { readonly type: "boolean"; readonly default: boolean }
  | { readonly type: "string"; readonly pattern?: string; readonly maxLength?: number; readonly enum?: readonly string[] };

/** A query parameter or request header of an operation. */
export interface ParamSpec {
  /** The query key, or the header name in lower case. */
  readonly name: string;
  readonly in: "query" | "header";
  readonly description: string;
  /** @default false */
  readonly required?: boolean;
  readonly value: ParamValue;
}

/** A status an operation answers, with what it means. */
export type StatusTable = Readonly<Record<number, string>>;

/** One operation of the API. */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** OpenAPI path template; `{accountId}` is the only path parameter. */
  readonly path: string;
  readonly summary: string;
  readonly auth: AuthKind;
  /** Schema of the JSON request body, if the operation takes one. */
  readonly request?: z.ZodType;
  /** Schema of the JSON body of every success status. */
  readonly response: z.ZodType;
  /** Success statuses and their meaning. */
  readonly success: StatusTable;
  /** Error statuses particular to this operation; `statusesOf` adds those every operation of its kind shares. */
  readonly errors: StatusTable;
  /** Safe to repeat: the client retries only these. */
  readonly idempotent: boolean;
  readonly params?: readonly ParamSpec[];
  /** Response headers of a success, by name, with their meaning. */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

const A = "/v1/accounts/{accountId}";

/** `If-Match`: compare the configuration's etag before writing. */
const IF_MATCH = (required: boolean, description: string): ParamSpec => ({ name: "if-match", in: "header", required, description, value: { type: "string", maxLength: 256 } });

/** Header of `putByok` naming a successful `validateByok` to reuse. */
export const VALIDATION_ID_HEADER = "ekm-validation-id";


/** Every operation, by operation id. */
export const API_ROUTES = {
  createAccount: {
    method: "POST",
    path: "/v1/accounts",
    summary: "Create an account (admin token); the token is shown once",
    auth: "admin",
    request: S.CreateAccountRequest,
    response: S.CreateAccountResponse,
    success: { 201: "The account and its token" },
    errors: {},
    idempotent: false,
  },
  getKeyManagement: {
    method: "GET",
    path: `${A}/key-management`,
    summary: "The account's key-management state",
    auth: "account",
    response: S.KeyManagementState,
    success: { 200: "The state" },
    errors: {},
    idempotent: true,
  },
  getTrust: {
    method: "GET",
    path: `${A}/key-management/trust`,
    summary: "What the customer's role or role assignment must trust",
    auth: "account",
    response: S.TrustResponse,
    success: { 200: "The platform principal and external ID (AWS), application ID (Azure)" },
    errors: {},
    idempotent: true,
  },
  listEvents: {
    method: "GET",
    path: `${A}/key-management/events`,
    summary: "The append-only audit trail",
    auth: "account",
    response: S.EventsResponse,
    success: { 200: "A page of events" },
    errors: { 400: "after or limit out of range" },
    idempotent: true,
    params: [
      { name: "after", in: "query", description: "Only events with a greater seq", value: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 } },
      { name: "limit", in: "query", description: "Page size", value: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
    ],
  },
  getByok: {
    method: "GET",
    path: `${A}/key-management/byok`,
    summary: "The BYOK configuration (404 byok_not_configured when there is none)",
    auth: "account",
    response: S.StoredByokConfiguration,
    success: { 200: "The configuration" },
    errors: { 404: "Unknown account, or no BYOK configuration (byok_not_configured)" },
    idempotent: true,
    responseHeaders: { etag: "The configuration's etag" },
  },
  putByok: {
    method: "PUT",
    path: `${A}/key-management/byok`,
    summary:
      "Validate the key with a real round trip, then store the configuration (idempotent upsert). A validation id from validateByok for the same account and key skips the round trip",
    auth: "account",
    request: S.PutByokRequest,
    response: S.ByokRegistration,
    success: { 200: "Replaced, or unchanged", 201: "Created" },
    errors: {
      409: "A revert to platform-managed keys is running",
      412: "If-Match is stale, or If-None-Match: * and a configuration exists",
      422: "The key failed validation (key_validation_failed, with checks), the vault host is not allowed, or the role is in another partition than the key; nothing was stored",
    },
    idempotent: true,
    params: [
      IF_MATCH(false, "Only replace the configuration when its etag still matches"),
      { name: "if-none-match", in: "header", description: "`*`: only create, never replace an existing configuration", value: { type: "string", enum: ["*"] } },
      {
        name: VALIDATION_ID_HEADER,
        in: "header",
        description:
          "The validationId of a successful validateByok of this exact key for this account, used once within its expiry: the PUT stores that validation instead of repeating the round trip. An unknown, expired, used or mismatched id is ignored and the key is validated again",
        // No pattern: any other text is an unknown id, which is ignored, not refused.
        value: { type: "string", maxLength: 64 },
      },
    ],
    responseHeaders: { etag: "The configuration's etag" },
  },
  validateByok: {
    method: "POST",
    path: `${A}/key-management/byok:validate`,
    summary: "Run the validation chain without storing anything; a success carries a single-use validation id for putByok",
    auth: "account",
    request: S.PutByokRequest,
    response: S.ValidateByokResponse,
    success: { 200: "The validation (ok or not)" },
    errors: { 422: "The vault host is not allowed, or the role is in another partition than the key" },
    // A dry run changes nothing, so it is safe to retry although it is a POST.
    idempotent: true,
  },
  patchByok: {
    method: "PATCH",
    path: `${A}/key-management/byok`,
    summary: "Change nickname or activation date",
    auth: "account",
    request: S.PatchByokRequest,
    response: S.ByokRegistration,
    success: { 200: "The changed configuration" },
    errors: {
      404: "Unknown account, or no BYOK configuration (byok_not_configured)",
      409: "A revert to platform-managed keys is running",
      412: "If-Match is stale",
      428: "If-Match is missing",
    },
    idempotent: false,
    params: [IF_MATCH(true, "The etag read before the change")],
    responseHeaders: { etag: "The configuration's etag" },
  },
  deleteByok: {
    method: "DELETE",
    path: `${A}/key-management/byok`,
    summary: "Revert to platform-managed keys, re-wrapping customer-wrapped data keys",
    auth: "account",
    response: S.DeleteByokResponse,
    success: { 200: "Reverted, or nothing to revert" },
    errors: {
      400: "force is not true or false",
      409: "Another revert is running, or the customer key refuses to unwrap (with the affected counts)",
      503: "The customer key service did not answer; retry after Retry-After",
    },
    idempotent: true,
    params: [{ name: "force", in: "query", description: "Revert even when the customer key no longer works", value: { type: "boolean", default: false } }],
  },
  encryptContent: {
    method: "POST",
    path: `${A}/content:encrypt`,
    summary: "Envelope-encrypt content with the effective key",
    auth: "content",
    request: S.EncryptRequest,
    response: S.EncryptResponse,
    success: { 200: "The ciphertext" },
    errors: {},
    idempotent: false,
  },
  decryptContent: {
    method: "POST",
    path: `${A}/content:decrypt`,
    summary: "Decrypt content of this account",
    auth: "content",
    request: S.DecryptRequest,
    response: S.DecryptResponse,
    success: { 200: "The plaintext" },
    errors: { 400: "Not a ciphertext of this account (decryption_failed)", 424: "The customer key that wrapped its data key is unavailable" },
    // Decryption has no side effect, so it is retried like a GET.
    idempotent: true,
  },
} as const satisfies Record<string, RouteSpec>;

/** The id of an operation. */
export type OperationId = keyof typeof API_ROUTES;

/** The request body type of an operation (never for operations without one). */
export type RequestOf<K extends OperationId> = (typeof API_ROUTES)[K] extends { request: infer R extends z.ZodType } ? z.output<R> : never;
/** The success body type of an operation. */
export type ResponseOf<K extends OperationId> = z.output<(typeof API_ROUTES)[K]["response"]>;
/** The success statuses of an operation. */
export type SuccessStatusOf<K extends OperationId> = keyof (typeof API_ROUTES)[K]["success"] & number;

/** The operations, in table order. */
export const OPERATION_IDS = Object.keys(API_ROUTES) as OperationId[];

/**
 * Every status an operation can answer, with its meaning: its own, plus those of the HTTP edge
 * every operation of its kind shares (auth, path, body). Node's HTTP parser itself answers 431
 * to oversized headers, with no body.
 */
export function statusesOf(id: OperationId): StatusTable {
  const r: RouteSpec = API_ROUTES[id];
  const shared: Record<number, string> = {
    401: "Missing or invalid bearer token",
    408: "The request's headers or body did not arrive within the platform's timeouts (no body)",
    413: "The body is over the platform's size limit",
    431: "The request headers are too large (no body)",
  };
  if (r.auth === "admin") shared[403] = "This operation needs the platform admin token";
  if (r.auth === "content") shared[403] = "The admin token cannot encrypt or decrypt an account's content: use the account's own token";
  if (r.path.includes("{accountId}")) {
    shared[400] = "The path is not valid percent-encoding";
    shared[404] = "Unknown account, or another account's token";
  }
  if (r.request) {
    shared[400] = "The body is not valid JSON or does not match the schema (the field is named)";
    shared[415] = "Content-Type is not application/json";
  }
  return { ...shared, ...r.errors, ...r.success };
}

/** True when the operation documents `status`. */
export function isDocumentedStatus(id: OperationId, status: number): boolean {
  return status in statusesOf(id);
}

/** The URL path of an operation for an account, percent-encoding the account id. */
export function pathOf(id: OperationId, accountId?: string): string {
  const template: string = API_ROUTES[id].path;
  if (!template.includes("{accountId}")) return template;
  if (accountId === undefined) throw new TypeError(`${id} needs an accountId`);
  return template.replace("{accountId}", encodeURIComponent(accountId));
}

/** Statuses the edge answers on any path, outside every operation. */
export const EDGE_STATUSES: StatusTable = {
  404: "No such route",
  405: "The path exists, but not with this method (the Allow header lists the methods)",
};
