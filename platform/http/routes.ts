/** The routes of the Key Management API (v1), each mapped to one Platform operation. */
import { CreateAccountRequest, DecryptRequest, EncryptRequest, PatchByokRequest, PutByokRequest } from "../../sdk/schemas";
import type { ZodType } from "zod";
import { ApiError } from "../errors";
import type { Platform } from "../platform";
import { requireAccount, requireAdmin, type Caller } from "./auth";

/** What a handler gets. */
export interface RouteInput {
  readonly platform: Platform;
  readonly caller: Caller;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Parses the JSON body with a schema (400/413/415 on problems). */
  body<T>(schema: ZodType<T>): T;
}

/** What a handler answers. */
export interface RouteOutput {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A route: method, path pattern and handler. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly pattern: RegExp;
  readonly name: string;
  readonly handler: (input: RouteInput) => RouteOutput | Promise<RouteOutput>;
}

const ACCOUNT = "(?<accountId>[^/]+)";
const p = (path: string) => new RegExp(`^${path}$`);

/** The account id of the path, after checking that the caller may reach it and that it exists. */
function forAccount(input: RouteInput): string {
  const accountId = input.params.accountId;
  requireAccount(input.caller, accountId);
  input.platform.requireAccount(accountId);
  return accountId;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): RouteOutput => ({ status, body, headers });

/** Every route. */
export const ROUTES: readonly Route[] = [
  {
    method: "POST",
    pattern: p("/v1/accounts"),
    name: "createAccount",
    handler: (i) => {
      requireAdmin(i.caller);
      const body = i.body(CreateAccountRequest);
      return json(201, i.platform.createAccount(body.name));
    },
  },
  { method: "GET", pattern: p(`/v1/accounts/${ACCOUNT}/key-management`), name: "getKeyManagement", handler: (i) => json(200, i.platform.state(forAccount(i))) },
  { method: "GET", pattern: p(`/v1/accounts/${ACCOUNT}/key-management/trust`), name: "getTrust", handler: (i) => json(200, i.platform.trust(forAccount(i))) },
  {
    method: "GET",
    pattern: p(`/v1/accounts/${ACCOUNT}/key-management/events`),
    name: "listEvents",
    handler: (i) => {
      const accountId = forAccount(i);
      const after = intParam(i.query, "after", 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(i.query, "limit", 100, 1, 500);
      const events = i.platform.events(accountId, after, limit);
      return json(200, { events, nextAfter: events.length === limit ? events[events.length - 1].seq : null });
    },
  },
  {
    method: "GET",
    pattern: p(`/v1/accounts/${ACCOUNT}/key-management/byok`),
    name: "getByok",
    handler: (i) => {
      const config = i.platform.byok.get(forAccount(i));
      return json(200, config, { etag: config.etag });
    },
  },
  {
    method: "PUT",
    pattern: p(`/v1/accounts/${ACCOUNT}/key-management/byok`),
    name: "putByok",
    handler: async (i) => {
      const accountId = forAccount(i);
      const { config, created } = await i.platform.byok.put(accountId, i.body(PutByokRequest), header(i, "if-match"));
      return json(created ? 201 : 200, config, { etag: config.etag });
    },
  },
  {
    method: "POST",
    pattern: p(`/v1/accounts/${ACCOUNT}/key-management/byok:validate`),
    name: "validateByok",
    handler: async (i) => {
      const accountId = forAccount(i);
      return json(200, { validation: await i.platform.byok.validate(accountId, i.body(PutByokRequest), "dry-run") });
    },
  },
  {
    method: "PATCH",
    pattern: p(`/v1/accounts/${ACCOUNT}/key-management/byok`),
    name: "patchByok",
    handler: (i) => {
      const accountId = forAccount(i);
      const config = i.platform.byok.patch(accountId, i.body(PatchByokRequest), header(i, "if-match"));
      return json(200, config, { etag: config.etag });
    },
  },
  {
    method: "DELETE",
    pattern: p(`/v1/accounts/${ACCOUNT}/key-management/byok`),
    name: "deleteByok",
    handler: async (i) => {
      const accountId = forAccount(i);
      const force = i.query.get("force");
      if (force !== null && force !== "true" && force !== "false") {
        throw new ApiError(400, "bad_request", `force must be true or false, received ${JSON.stringify(force)}`, { field: "force" });
      }
      return json(200, await i.platform.revert(accountId, force === "true"));
    },
  },
  {
    method: "POST",
    pattern: p(`/v1/accounts/${ACCOUNT}/content:encrypt`),
    name: "encryptContent",
    handler: async (i) => {
      const accountId = forAccount(i);
      const { plaintext } = i.body(EncryptRequest);
      const r = await i.platform.envelope.encrypt(accountId, Buffer.from(plaintext, "base64"));
      return json(200, { ciphertext: r.ciphertext.toString("base64"), keySource: r.keySource, keyVersion: r.keyVersion });
    },
  },
  {
    method: "POST",
    pattern: p(`/v1/accounts/${ACCOUNT}/content:decrypt`),
    name: "decryptContent",
    handler: async (i) => {
      const accountId = forAccount(i);
      const { ciphertext } = i.body(DecryptRequest);
      const r = await i.platform.envelope.decrypt(accountId, Buffer.from(ciphertext, "base64"));
      return json(200, { plaintext: r.data.toString("base64"), keySource: r.keySource, keyVersion: r.keyVersion });
    },
  },
];

function header(i: RouteInput, name: string): string | undefined {
  const v = i.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ApiError(400, "bad_request", `${name} must be a whole number from ${min} to ${max}, received ${JSON.stringify(raw)}`, { field: name });
  return n;
}
