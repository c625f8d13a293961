// moto's standalone server as the real AWS part (KMS, STS, IAM wire protocol) for tests.
// scripts/bootstrap/moto.sh installs it into .venv/moto; this starts it on a loopback port.
import * as path from "node:path";
import { freePort, waitFor } from "./ports";
import { repoRoot, runBootstrap, ServerProcess } from "./process";

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the server (SIGTERM to its process group, SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
  /** Stops, then starts a fresh server on the same port; every resource is lost. */
  restart(): Promise<void>;
  /** AWS SDK settings that point at this server. */
  env(): Record<string, string>;
}

export interface StartMotoOptions {
  /** Port to bind; a free one by default. */
  port?: number;
  /** How long to wait for the first answer; default 60 s. */
  startTimeoutMs?: number;
}

const bootstrapScript = path.join(repoRoot, "scripts", "bootstrap", "moto.sh");
let motoServerBin: Promise<string> | undefined;

/** Path of moto_server, running the (idempotent, <1 s when cached) bootstrap once per process. */
export function motoServerPath(): Promise<string> {
  motoServerBin ??= runBootstrap(bootstrapScript).catch((err) => {
    motoServerBin = undefined;
    throw err;
  });
  return motoServerBin;
}

async function answers(endpoint: string): Promise<boolean> {
  const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

async function launch(bin: string, port: number, timeoutMs: number): Promise<ServerProcess> {
  const proc = new ServerProcess(`moto_server :${port}`, bin, ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor(() => answers(endpoint), {
      timeoutMs,
      intervalMs: 100,
      what: `moto_server on ${endpoint}`,
      abort: () => proc.exitError(),
    });
  } catch (err) {
    const early = proc.exitError();
    await proc.stop();
    if (early) throw early;
    throw new Error(`${(err as Error).message}\n--- moto_server output ---\n${proc.tail()}`);
  }
  return proc;
}

export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const bin = await motoServerPath();
  const port = opts.port ?? (await freePort());
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const endpoint = `http://127.0.0.1:${port}`;
  let proc: ServerProcess | undefined = await launch(bin, port, timeoutMs);

  return {
    endpoint,
    port,
    async stop() {
      const p = proc;
      proc = undefined;
      await p?.stop();
    },
    async restart() {
      const p = proc;
      proc = undefined;
      await p?.stop();
      proc = await launch(bin, port, timeoutMs);
    },
    env() {
      return motoEnv(endpoint);
    },
  };
}

/** The variables the AWS SDK (v3) and the AWS CLI read to reach moto. */
export function motoEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
  };
}

/** Client settings for an AWS SDK v3 client, without touching process.env. */
export function motoClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
}

/** Drops every resource in every moto backend (POST /moto-api/reset). */
export async function motoReset(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  const body = await res.text();
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body.slice(0, 500)}`);
}
