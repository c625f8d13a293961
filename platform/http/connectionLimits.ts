/**
 * How long a client may take and how many connections it may hold, so a slow or idle client
 * cannot keep sockets open: Node's HTTP server enforces each
 * (https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener).
 */
import type { Server, ServerOptions } from "node:http";

/** Connection limits of the platform's HTTP server. */
export interface ConnectionLimits {
  /** Longest wait for a request's complete headers, from the connection (or the request's first byte), in ms. */
  readonly headersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body, in ms: a slow upload is cut here (408). */
  readonly requestTimeoutMs: number;
  /**
   * How long an idle keep-alive connection stays open after an answer, in ms. Longer than clients
   * keep theirs (undici closes after 4 s), so a client never reuses a socket the server is closing
   * at that moment: that race resets non-retryable POSTs.
   */
  readonly keepAliveTimeoutMs: number;
  /** Most connections open at once; the server drops new ones beyond it until some close. */
  readonly maxConnections: number;
}

/** The defaults, as platform/README.md documents them. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 1_000,
};

/** The options of `http.createServer` for `limits`. */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two request timeouts on this interval (default 30 s): check often enough that a timeout means what it says.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  };
}

/** Applies what `createServer` options do not cover. */
export function applyLimits(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
}
