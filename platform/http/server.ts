/** The HTTP front of the platform: routing, auth, bodies, JSON errors and request logs. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { ZodType } from "zod";
import { ApiError } from "../errors";
import type { Platform } from "../platform";
import { authenticate } from "./auth";
import { parseBody, readBody } from "./body";
import { ROUTES } from "./routes";

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
  const server = createServer((req, res) => {
    void handle(platform, options.adminToken, limit, req, res);
  });
  // Keep idle connections longer than clients do (undici closes after 4 s), so a client never
  // reuses a socket the server is closing at that moment: that race resets non-retryable POSTs.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
    const match = findRoute(req.method ?? "GET", url.pathname);
    route = match.route.name;
    const caller = authenticate(platform.db, req, adminToken);
    const raw = await readBody(req, limit);
    const out = await match.route.handler({
      platform,
      caller,
      params: match.params,
      query: url.searchParams,
      headers: req.headers,
      body: <T>(schema: ZodType<T>) => parseBody(raw, req.headers["content-type"], schema) as T,
    });
    status = out.status;
    send(res, out.status, out.body, { ...out.headers, "x-request-id": requestId });
  } catch (err) {
    if (err instanceof ApiError) {
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

function findRoute(method: string, path: string) {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method === method) {
      const params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodePathSegment(v)]));
      return { route, params };
    }
  }
  if (pathMatched) {
    const allowed = ROUTES.filter((r) => r.pattern.test(path)).map((r) => r.method);
    throw new ApiError(405, "method_not_allowed", `${method} is not allowed on ${path}: use ${allowed.join(", ")}`, { headers: { allow: allowed.join(", ") } });
  }
  throw new ApiError(404, "not_found", `no route ${method} ${path}: see openapi/ekm-v1.json for the API`);
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
    throw new ApiError(400, "bad_request", `the path segment ${JSON.stringify(v)} is not valid percent-encoding`);
  }
}
