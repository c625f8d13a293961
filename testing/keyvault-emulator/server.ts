/**
 * The emulator's HTTPS server: one port serving Key Vault vaults (chosen by the Host header),
 * Microsoft Entra ID's token endpoint (`/{tenant}/oauth2/v2.0/token`) and the admin API
 * (`/_emulator/…`). Loopback names (127.0.0.1, localhost) and host aliases outside the Key Vault
 * DNS suffixes reach the vault `default`; `<name>.vault.azure.net` (and the other suffixes)
 * reach the vault `<name>`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { ADMIN_PREFIX, adminAnswer, type LoggedRequest } from "./admin";
import { DEFAULT_TOKEN_LIFETIME_SECONDS, entraAnswer, isEntraPath } from "./entra";
import { badToken, kvError, missingToken, type Answer } from "./errors";
import { ENTRA_PUBLIC_AUTHORITY, KEY_VAULT_RESOURCE, vaultNameOfHost } from "./facts";
import { faultBody, takeFault, type Fault } from "./faults";
import { parseApiVersion } from "./requests";
import { DEFAULT_VAULT, Store } from "./store";
import type { TlsMaterial } from "./tls";
import { issuerOf, verifyToken } from "./tokens";
import { vaultAnswer } from "./vault";

/** The service version the emulator reports; its behaviour follows the recordings of service 1.9.3347.1. */
export const SERVICE_VERSION = "1.9.3347.1-emulator";

/** Request bodies above this are refused (Key Vault's own limit is far lower for keys requests). */
const MAX_BODY_BYTES = 1 << 20;

/** Options of the server. */
export interface EmulatorServerOptions {
  readonly store: Store;
  readonly tls: TlsMaterial;
  readonly adminToken: string;
  readonly tokenLifetimeSeconds?: number;
  /** Milliseconds since the epoch; tests of time-bound behaviour pass their own. */
  readonly now?: () => number;
}

/** Headers on every Key Vault answer (as recorded). */
function vaultHeaders(req: IncomingMessage): Record<string, string> {
  const clientRequestId = req.headers["x-ms-client-request-id"];
  return {
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000;includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-request-id": randomUUID(),
    ...(typeof clientRequestId === "string" && clientRequestId.length <= 128 ? { "x-ms-client-request-id": clientRequestId } : {}),
    "x-ms-keyvault-region": "local",
    "x-ms-keyvault-service-version": SERVICE_VERSION,
    "x-ms-keyvault-network-info": `conn_type=Ipv4;addr=${req.socket.remoteAddress ?? "127.0.0.1"};act_addr_fam=InterNetwork;`,
  };
}

/** The emulator server. */
export class EmulatorServer {
  readonly server: Server;
  readonly faults: Fault[] = [];
  readonly log: LoggedRequest[] = [];
  readonly #options: EmulatorServerOptions;
  readonly #sockets = new Set<Socket>();
  /** The TCP socket under each TLS connection, by client port: a reset must go to the TCP socket. */
  readonly #tcpByPort = new Map<number, Socket>();
  readonly #now: () => number;

  constructor(options: EmulatorServerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem, minVersion: "TLSv1.2" }, (req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        // Never reached on input (every route answers); a bug must not take the process down.
        process.stderr.write(`ekm-keyvault-emulator: internal error on ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}\n`);
        if (!res.headersSent) this.#send(req, res, kvError(500, "InternalServerError", "The emulator failed on this request; its log names the cause."), vaultHeaders(req));
        else res.destroy();
      });
    });
    // Keep idle connections longer than clients do, so a client never reuses a closing socket.
    this.server.keepAliveTimeout = 65_000;
    this.server.on("connection", (tcp: Socket) => {
      const port = tcp.remotePort;
      if (port === undefined) return;
      this.#tcpByPort.set(port, tcp);
      tcp.once("close", () => this.#tcpByPort.get(port) === tcp && this.#tcpByPort.delete(port));
    });
    this.server.on("secureConnection", (s: Socket) => {
      this.#sockets.add(s);
      s.once("close", () => this.#sockets.delete(s));
    });
    this.server.on("tlsClientError", () => undefined);
    this.server.on("clientError", (_err, socket) => socket.destroy());
  }

  /** Listens on `host:port` (0 = a free port); resolves with the port. */
  listen(port: number, host = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : port);
      });
    });
  }

  /** Stops accepting, ends every connection (hung requests included), resolves when closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }

  #record(entry: Omit<LoggedRequest, "at">): void {
    this.log.push({ at: this.#now(), ...entry });
    if (this.log.length > 20_000) this.log.splice(0, this.log.length - 20_000);
  }

  #send(req: IncomingMessage, res: ServerResponse, answer: Answer, base: Record<string, string>): void {
    const headers: Record<string, string> = { ...base, ...answer.headers };
    if (answer.body !== undefined && answer.status !== 204) {
      const text = JSON.stringify(answer.body);
      headers["Content-Type"] = "application/json; charset=utf-8";
      headers["Content-Length"] = String(Buffer.byteLength(text));
      res.writeHead(answer.status, headers);
      res.end(req.method === "HEAD" ? undefined : text);
    } else {
      res.writeHead(answer.status, headers);
      res.end();
    }
  }

  async #readBody(req: IncomingMessage): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const host = (req.headers.host ?? "127.0.0.1").toLowerCase();
    let url: URL;
    try {
      url = new URL(req.url ?? "/", `https://${host}`);
    } catch {
      url = new URL("https://127.0.0.1/invalid");
    }
    const origin = `https://${url.host}`;
    const segments = url.pathname.split("/").filter(Boolean).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const text = await this.#readBody(req);
    const now = this.#now();

    if (segments[0] === ADMIN_PREFIX) {
      const answer =
        text === undefined
          ? { status: 413, body: { error: `the request body exceeds ${MAX_BODY_BYTES} bytes` } }
          : await adminAnswer(
              { store: this.#options.store, adminToken: this.#options.adminToken, faults: this.faults, log: this.log, origin, now },
              method,
              segments.slice(1),
              req.headers.authorization,
              text,
            );
      this.#record({ area: "admin", method, path: url.pathname, status: answer.status });
      this.#send(req, res, answer, { "Cache-Control": "no-cache" });
      return;
    }

    const entra = isEntraPath(segments);
    const area = entra ? "entra" : "vault";
    const vaultName = entra ? undefined : (vaultNameOfHost(url.hostname) ?? DEFAULT_VAULT);
    const fault = takeFault(this.faults, area, vaultName);
    if (fault !== undefined) {
      this.#record({ area, vault: vaultName, method, path: url.pathname, status: fault.kind === "status" ? fault.status : 0 });
      if (fault.kind === "reset") {
        const tcp = req.socket.remotePort === undefined ? undefined : this.#tcpByPort.get(req.socket.remotePort);
        if (tcp) tcp.resetAndDestroy();
        else req.socket.destroy();
        return;
      }
      if (fault.kind === "hang") return; // no answer; the socket stays open until the client gives up or the emulator stops
      this.#send(req, res, { status: fault.status, body: faultBody(fault.status), headers: fault.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(fault.retryAfterSeconds) } }, entra ? {} : vaultHeaders(req));
      return;
    }

    if (entra) {
      const answer =
        text === undefined
          ? { status: 413, body: { error: "invalid_request", error_description: `The request body exceeds ${MAX_BODY_BYTES} bytes.` } }
          : entraAnswer(this.#options.store, { tokenLifetimeSeconds: this.#options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS, now: this.#now }, method, origin, segments, text);
      this.#record({ area, method, path: url.pathname, status: answer.status });
      this.#send(req, res, answer, { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" });
      return;
    }

    const answer = await this.#vault(req, method, origin, url, segments, text, vaultName!, now);
    this.#record({ area, vault: vaultName, method, path: url.pathname, status: answer.status });
    this.#send(req, res, answer, vaultHeaders(req));
  }

  async #vault(req: IncomingMessage, method: string, origin: string, url: URL, segments: string[], text: string | undefined, vaultName: string, now: number): Promise<Answer> {
    const { store } = this.#options;
    const vault = store.vault(vaultName);
    if (vault === undefined) {
      // A real client would not resolve the name at all; the emulator says what to do instead.
      return kvError(404, "VaultNotFound", `ekm-keyvault-emulator has no vault ${vaultName}: create it with PUT /_emulator/vaults/${vaultName} or start the emulator with --vault ${vaultName}.`);
    }
    const tenant = vault.settings.tenantId;
    const challenge = `Bearer authorization="${ENTRA_PUBLIC_AUTHORITY}/${tenant}", resource="${KEY_VAULT_RESOURCE}"`;
    const authorization = req.headers.authorization;
    if (authorization === undefined || !/^Bearer \S/.test(authorization)) return missingToken(challenge);
    const claims = verifyToken(authorization.slice("Bearer ".length).trim(), store.state.tokenSecret);
    if (claims === undefined) return badToken(challenge, "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.");
    if (claims.aud !== KEY_VAULT_RESOURCE && claims.aud !== `${KEY_VAULT_RESOURCE}/`) return badToken(challenge, `AKV10022: Invalid audience. Expected ${KEY_VAULT_RESOURCE}, found: ${claims.aud}.`);
    if (claims.iss !== issuerOf(tenant)) return badToken(challenge, `AKV10032: Invalid issuer. Expected one of ${issuerOf(tenant)}, found ${claims.iss}.`);
    const nowSec = Math.floor(now / 1000);
    // Entra tokens carry a 5-minute clock-skew allowance on validation; the emulator allows none, so expiry tests are exact.
    if (claims.exp <= nowSec || claims.nbf > nowSec) return badToken(challenge, "AKV10021: Token is expired or not yet valid.");
    if (!store.state.servicePrincipals.some((p) => p.objectId === claims.oid)) return badToken(challenge, "AKV10031: The token's principal no longer exists in the tenant.");
    const apiVersion = parseApiVersion(url.searchParams.get("api-version"));
    if (!apiVersion.ok) return apiVersion.answer;
    if (text === undefined) return kvError(413, "RequestEntityTooLarge", `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    return vaultAnswer({ store, vault, base: `${origin}/`, caller: claims, method, segments, body: text, now });
  }
}
