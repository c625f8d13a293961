// The real `ekm-platform` process (built dist/), for tests that crash it with kill -9, run two on
// one data dir, or talk to it over raw sockets.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PlatformClient } from "../../sdk";
import { waitFor } from "./ports";
import { repoRoot, ServerProcess } from "./process";

/** The built CLI. */
export const PLATFORM_BIN = path.join(repoRoot, "dist", "platform", "bin", "ekm-platform.js");
/** The admin token every process test uses. */
export const PROCESS_ADMIN_TOKEN = "process-admin-token-0123456789abcdef";

/** Options of a platform process. */
export interface PlatformProcessOptions {
  /** Flags after `--port 0 --data-dir <dir>`. */
  readonly args?: readonly string[];
  /** Environment beside EKM_ADMIN_TOKEN. */
  readonly env?: NodeJS.ProcessEnv;
  /** How much of the process's output to keep (the tail), in characters. @default 200000 */
  readonly maxOutput?: number;
}

/** A running platform process. */
export interface PlatformProcess {
  readonly url: string;
  readonly pid: number;
  readonly proc: ServerProcess;
  readonly admin: PlatformClient;
  /** A client for an account token, without retries. */
  client(token: string): PlatformClient;
  /** SIGKILL, no clean-up: what a crash or an OOM kill does. */
  kill9(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

function environment(options: PlatformProcessOptions): NodeJS.ProcessEnv {
  return { ...process.env, EKM_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN, EKM_ROOT_KEY: "", AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1", ...options.env };
}

/** Starts `ekm-platform --port 0 --data-dir dataDir …` and waits until it listens. */
export async function startPlatformProcess(dataDir: string, options: PlatformProcessOptions = {}): Promise<PlatformProcess> {
  const proc = new ServerProcess("ekm-platform", process.execPath, [PLATFORM_BIN, "--port", "0", "--data-dir", dataDir, ...(options.args ?? [])], { env: environment(options), maxOutput: options.maxOutput ?? 200_000 });
  const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.tail(options.maxOutput ?? 200_000))?.[1], { what: "ekm-platform to listen", timeoutMs: 30_000, abort: () => proc.exitError() });
  const client = (token: string) => new PlatformClient({ baseUrl: url, token, retry: { maxAttempts: 1 }, timeoutMs: 10_000 });
  return {
    url,
    pid: proc.pid!,
    proc,
    admin: client(PROCESS_ADMIN_TOKEN),
    client,
    kill9: () => proc.kill9(),
    stop: () => proc.stop(),
  };
}

/** Runs `ekm-platform` expecting it to exit before it listens; its exit code and stderr. */
export function runPlatformToExit(dataDir: string, options: PlatformProcessOptions = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [PLATFORM_BIN, "--port", "0", "--data-dir", dataDir, ...(options.args ?? [])], { env: environment(options), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    // It started after all: stop it, the test will fail on the exit code.
    if (stdout.includes("listening on")) child.kill("SIGKILL");
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stderr, stdout })));
}
