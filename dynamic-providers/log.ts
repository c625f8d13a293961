/**
 * Messages from the ByokConfiguration provider to the user's `pulumi preview/up/refresh/destroy`.
 *
 * The provider runs in the engine's `pulumi-resource-pulumi-nodejs` process
 * (`@pulumi/pulumi/cmd/dynamic-provider`), which never connects `pulumi.log` to the engine: there
 * `pulumi.log.warn` only writes `warning: [runtime] …` to stderr, which the CLI shows as plain
 * text. The process does receive the engine's address as its first argument, so this module
 * calls the engine's `Log` RPC itself with the @pulumi/pulumi and gRPC modules of that process:
 * the CLI then shows real info and warning diagnostics (under the stack, since the provider is
 * not told which resource a call is for). Anywhere else (unit tests, a direct call) it writes
 * to stderr.
 */
import * as path from "node:path";

/** Where the provider's messages go. Each call resolves once the message is delivered. */
export interface ProviderLog {
  info(message: string): Promise<void>;
  warn(message: string): Promise<void>;
}

/** The parts of the engine's generated gRPC client used here (`proto/engine_grpc_pb`). */
interface EngineClient {
  log(request: unknown, callback: (err: Error | null) => void): void;
}

/** Sends one message to the engine's log; resolves once it is delivered (or written to stderr instead). */
export type EngineLog = (severity: "info" | "warn", message: string, urn?: string) => Promise<void>;

/**
 * A log that calls the engine's `Log` RPC at `address` with the generated gRPC client of the
 * @pulumi/pulumi installed at `sdkDir` (so the client and gRPC are the ones that process runs
 * with). `urn` attaches a message to a resource; without it the CLI shows it under the stack.
 * Undeliverable messages go to stderr, which the CLI also shows.
 * @internal
 */
export function engineLog(address: string, sdkDir: string): EngineLog {
  const load = (id: string): unknown => require(require.resolve(id, { paths: [sdkDir] }));
  const grpc = load("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
  const rpc = load(path.join(sdkDir, "proto", "engine_grpc_pb.js")) as { EngineClient: new (address: string, credentials: unknown) => EngineClient };
  const proto = load(path.join(sdkDir, "proto", "engine_pb.js")) as {
    LogRequest: new () => { setSeverity(s: number): void; setMessage(m: string): void; setUrn(u: string): void };
    LogSeverity: { INFO: number; WARNING: number };
  };
  const client = new rpc.EngineClient(address, grpc.credentials.createInsecure());
  return (severity, message, urn = "") => {
    const req = new proto.LogRequest();
    req.setSeverity(severity === "warn" ? proto.LogSeverity.WARNING : proto.LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(urn);
    return new Promise((resolve) =>
      client.log(req, (err) => {
        if (err) console.error(`${severity === "warn" ? "warning" : "info"}: ${message}`);
        resolve();
      }),
    );
  };
}

let engine: EngineLog | null | undefined;

/** The engine log of the dynamic-provider process, or null elsewhere. */
function engineConnection(): EngineLog | null {
  if (engine !== undefined) return engine;
  engine = null;
  const main = require.main;
  const address = process.argv[2];
  if (!main || !address || !/[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(main.filename)) return engine;
  try {
    // Resolved from the host's own @pulumi/pulumi, so the generated client and gRPC are the ones it runs with.
    engine = engineLog(address, path.dirname(path.dirname(path.dirname(main.filename))));
  } catch {
    engine = null;
  }
  return engine;
}

function send(severity: "info" | "warn", message: string): Promise<void> {
  const e = engineConnection();
  if (e) return e(severity, message);
  console.error(`${severity === "warn" ? "warning" : "info"}: ${message}`);
  return Promise.resolve();
}

/** The log of the process this runs in: the engine inside `pulumi-resource-pulumi-nodejs`, else stderr. */
export const providerLog: ProviderLog = {
  info: (message) => send("info", message),
  warn: (message) => send("warn", message),
};
