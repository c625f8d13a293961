/**
 * The HTTP front of the platform: routing, auth, bodies and parameters as the route table
 * (`sdk/api/routes.ts`) states them, JSON errors and request logs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { API_ROUTES, OPERATION_IDS, type OperationId, type ParamSpec, type RouteSpec } from "../../sdk/api";
import { DomainError } from "../errors";
import { toHttpError } from "./errorMapping";
import { HttpError } from "./httpError";
import type { Platform } from "../platform";
import { authenticate, requireAccount, requireAdmin, requireOwnToken } from "./auth";
import { parseBody, readBody } from "./body";
import { clip } from "./jsonLimits";
import { DEFAULT_CONNECTION_LIMITS, applyLimits, serverOptions, type ConnectionLimits } from "./connectionLimits";

/** Account ids longer than this are echoed cut (real ones are `acct-` and 16 hex digits). */
const MAX_ACCOUNT_ID_ECHO = 64;
import { HANDLERS, type HandlerInput, type HandlerOutput, type ParamValue } from "./routes";

/** How to serve. */
export interface ServeOptions {
  /** Port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. @default 127.0.0.1 */
  readonly host?: string;
  /** The admin token (from EKM_ADMIN_TOKEN). */
  readonly adminToken: string;
  /** Largest request body, in bytes. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Timeouts and the connection cap. @default DEFAULT_CONNECTION_LIMITS */
  readonly connections?: Partial<ConnectionLimits>;
}

/** A running server. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts serving `platform` and resolves once it accepts requests. */
export async function serve(platform: Platform, options: ServeOptions): Promise<RunningServer> {
  if (!options.adminToken || options.adminToken.length < 16) {
    throw new Error("EKM_ADMIN_TOKEN must be set to a secret of at least 16 characters: generate one with \"openssl rand -hex 24\"");
  }
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connections };
  const server = createServer(serverOptions(limits), (req, res) => {
    void handle(platform, options.adminToken, limit, req, res);
  });
  applyLimits(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(platform: Platform, adminToken: string, limit: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const requestId = typeof req.headers["x-request-id"] === "string" && /^[\w.-]{1,128}$/.test(req.headers["x-request-id"]) ? req.headers["x-request-id"] : randomUUID();
  const url = new URL(req.url ?? "/", "http://platform.invalid");
  let status = 500;
  let route = "unknown";
  try {
    const found = findRoute(req.method ?? "GET", url.pathname);
    route = found.id;
    const match = { id: found.id, accountId: found.accountId === undefined ? "" : decodePathSegment(found.accountId) };
    const spec: RouteSpec = API_ROUTES[match.id];
    const caller = authenticate(platform.db, req, adminToken);
    // No account id is this long: answer as for any unknown account, without echoing all of it.
    if (match.accountId.length > MAX_ACCOUNT_ID_ECHO) throw new HttpError(404, "not_found", `account ${clip(match.accountId, MAX_ACCOUNT_ID_ECHO)} not found`);
    const raw = await readBody(req, limit);
    if (spec.auth === "admin") requireAdmin(caller);
    else {
      if (spec.auth === "content") requireOwnToken(caller);
      requireAccount(caller, match.accountId);
      platform.requireAccount(match.accountId);
    }
    const input: HandlerInput<OperationId> = {
      platform,
      caller,
      accountId: match.accountId,
      body: (spec.request ? parseBody(raw, req.headers["content-type"], spec.request) : undefined) as never,
      params: Object.fromEntries((spec.params ?? []).map((p) => [p.name, paramOf(p, url.searchParams, req.headers)])),
      maxBodyBytes: limit,
    };
    const out = (await (HANDLERS[match.id] as (i: HandlerInput<OperationId>) => HandlerOutput<OperationId> | Promise<HandlerOutput<OperationId>>)(input)) as { status: number; body: unknown; headers?: Record<string, string> };
    if (!(out.status in spec.success)) throw new Error(`handler ${match.id} answered ${out.status}, which the route table does not list`);
    status = out.status;
    send(res, out.status, out.body, { ...out.headers, "x-request-id": requestId });
  } catch (caught) {
    const err = caught instanceof DomainError ? toHttpError(caught) : caught;
    if (err instanceof HttpError) {
      status = err.status;
      const { field, checks, details, headers } = err.extra;
      send(res, err.status, { error: { code: err.code, message: err.message, ...(field ? { field } : {}), requestId, ...(checks ? { checks } : {}), ...(details ? { details } : {}) } }, { ...headers, "x-request-id": requestId });
    } else {
      status = 500;
      // The client learns only the request id; the details go to the operator's log.
      platform.ctx.log("error", "unhandled error", { requestId, route, error: (err as Error).message, stack: (err as Error).stack });
      send(res, 500, { error: { code: "internal", message: `internal error: report request id ${requestId} to the platform operator`, requestId } }, { "x-request-id": requestId });
    }
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    platform.ctx.log("info", "request", { requestId, method: req.method, route, status, ms: Math.round(ms * 10) / 10 });
  }
}

/** Path patterns of the route table: `{accountId}` matches one segment. */
const PATTERNS: readonly { id: OperationId; method: string; pattern: RegExp }[] = OPERATION_IDS.map((id) => {
  const r: RouteSpec = API_ROUTES[id];
  const source = r.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace("{accountId}", "(?<accountId>[^/]+)");
  return { id, method: r.method, pattern: new RegExp(`^${source}$`) };
});

/** The operation of a request, with the account id as it appears in the path (still percent-encoded). */
function findRoute(method: string, path: string): { id: OperationId; accountId?: string } {
  const onPath = PATTERNS.filter((p) => p.pattern.test(path));
  const match = onPath.find((p) => p.method === method);
  if (match) return { id: match.id, accountId: match.pattern.exec(path)?.groups?.accountId };
  if (onPath.length > 0) {
    const allowed = onPath.map((p) => p.method).join(", ");
    throw new HttpError(405, "method_not_allowed", `${method} is not allowed on ${clip(path)}: use ${allowed}`, { headers: { allow: allowed } });
  }
  throw new HttpError(404, "not_found", `no route ${clip(method, 16)} ${clip(path)}: see openapi/ekm-v1.json for the API`);
}

/** Reads one query parameter or header the route table declares, with a 400 naming it when it is malformed. */
function paramOf(p: ParamSpec, query: URLSearchParams, headers: IncomingMessage["headers"]): ParamValue {
  const header = headers[p.name];
  const raw = p.in === "query" ? query.get(p.name) : Array.isArray(header) ? header[0] : header;
  const v = p.value;
  if (raw === null || raw === undefined) return v.type === "string" ? undefined : v.default;
  if (v.type === "integer") {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < v.minimum || n > v.maximum) {
      throw new HttpError(400, "bad_request", `${p.name} must be a whole number from ${v.minimum} to ${v.maximum}, received ${JSON.stringify(raw)}`, { field: p.name });
    }
    return n;
  }
  if (v.type === "boolean") {
    if (raw !== "true" && raw !== "false") throw new HttpError(400, "bad_request", `${p.name} must be true or false, received ${JSON.stringify(raw)}`, { field: p.name });
    return raw === "true";
  }
  if (v.maxLength !== undefined && raw.length > v.maxLength) {
    throw new HttpError(400, "bad_request", `${p.name} must be at most ${v.maxLength} characters, received ${raw.length}`, { field: p.name });
  }
  if (v.pattern !== undefined && !new RegExp(v.pattern).test(raw)) {
    throw new HttpError(400, "bad_request", `${p.name} must match ${v.pattern}, received ${JSON.stringify(raw.slice(0, 64))}`, { field: p.name });
  }
  if (v.enum && !v.enum.includes(raw)) {
    throw new HttpError(400, "bad_request", `${p.name} must be ${v.enum.map((e) => JSON.stringify(e)).join(" or ")}, received ${JSON.stringify(raw)}`, { field: p.name });
  }
  return raw;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...headers });
  res.end(text);
}

function decodePathSegment(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    throw new HttpError(400, "bad_request", `the path segment ${JSON.stringify(clip(v, MAX_ACCOUNT_ID_ECHO))} is not valid percent-encoding`);
  }
}
