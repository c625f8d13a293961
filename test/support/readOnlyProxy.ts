// A recording HTTP proxy on loopback that lets only reads through: in front of the platform it
// passes GET and HEAD; in front of moto it passes the AWS actions whose names start with
// Describe, Get or List (KMS names them in the X-Amz-Target header of its JSON protocol, IAM
// and STS in the `Action` form field of their query protocol). Anything else is answered 405
// without reaching the server and recorded as a violation, so a test that audits through it
// proves the audit is read-only.
//
// - KMS JSON protocol (X-Amz-Target: TrentService.<Action>): https://docs.aws.amazon.com/kms/latest/APIReference/kms-api-reference.pdf
// - IAM query API (Action=<Action>): https://docs.aws.amazon.com/IAM/latest/APIReference/CommonParameters.html
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Which protocol the proxy judges. */
export type ReadOnlyKind = "platform" | "aws";

/** One request that went through (or was refused). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** `GET /v1/...` for the platform; `kms:DescribeKey`, `iam:GetRole` for AWS. */
  readonly action: string;
  readonly allowed: boolean;
}

/** A running proxy. */
export interface ReadOnlyProxy {
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The refused ones. */
  violations(): RecordedRequest[];
  /** Forgets what was recorded. */
  clear(): void;
  close(): Promise<void>;
}

/** The AWS action of a request: from X-Amz-Target (KMS) or the form's Action (IAM, STS). */
export function awsAction(req: IncomingMessage, body: string): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return `kms:${target.split(".").at(-1)}`;
  const form = new URLSearchParams(body);
  const action = form.get("Action") ?? new URL(req.url ?? "/", "http://x").searchParams.get("Action") ?? "unknown";
  // moto serves IAM and STS on one port; the signing scope in Authorization names the service.
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "aws";
  return `${service}:${action}`;
}

/** True when `action` only reads. */
export const isReadAction = (kind: ReadOnlyKind, method: string, action: string): boolean =>
  kind === "platform" ? method === "GET" || method === "HEAD" : /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/.test(action);

/** Starts a proxy on 127.0.0.1:<free port> in front of `target` (an http:// URL). */
export async function startReadOnlyProxy(target: string, kind: ReadOnlyKind): Promise<ReadOnlyProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      const action = kind === "platform" ? `${method} ${path.split("?")[0]}` : awsAction(req, body.toString("utf8"));
      const allowed = isReadAction(kind, method, action);
      requests.push({ method, path, action, allowed });
      if (!allowed) {
        res.writeHead(405, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "read_only_proxy", message: `the read-only proxy refused ${action}` } }));
        return;
      }
      const out = request(
        { host: upstream.hostname, port: upstream.port, method, path, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on("error", (err) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`read-only proxy: upstream ${target} failed: ${err.message}`);
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations: () => requests.filter((r) => !r.allowed),
    clear: () => void requests.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
