/**
 * Starts the emulator as a child process and waits for its ready line: what tests, the demo and
 * benchmarks use. The child runs the compiled CLI (dist/) with the current Node.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { KeyVaultEmulatorClient } from "./client";

/** How to start the emulator. */
export interface StartEmulatorOptions {
  readonly dataDir: string;
  /** Extra names for the server certificate; `<name>.vault.azure.net` aliases also create vault `<name>`. */
  readonly hostAliases?: readonly string[];
  readonly vaults?: readonly string[];
  /** Tenant of the default vault and of `vaults`. */
  readonly tenantId?: string;
  readonly tokenLifetimeSeconds?: number;
  /** 0 = a free port (default); pass the old port to restart on the same URL. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** The compiled CLI; defaults to the one beside this file in dist/. */
  readonly cliPath?: string;
  /** Gives up waiting for the ready line after this long. @default 30 s */
  readonly readyTimeoutMs?: number;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `https://127.0.0.1:<port>`: the default vault's URL (with a trailing slash in clients) and Entra's authority host. */
  readonly url: string;
  readonly port: number;
  readonly caPath: string;
  readonly caPem: string;
  readonly adminToken: string;
  readonly admin: KeyVaultEmulatorClient;
  readonly process: ChildProcess;
  /** What the process printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code once it exited. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL at once (a crash). */
  kill(): Promise<number | null>;
}

/** The compiled CLI's path. */
export function defaultCliPath(): string {
  if (__filename.endsWith(".js")) return join(__dirname, "cli.js");
  // Running from source (tsx): the build output sits in dist/ at the repository root.
  return resolve(__dirname, "..", "..", "dist", "testing", "keyvault-emulator", "cli.js");
}

/** Spawns the emulator and resolves once it listens. */
export function startKeyVaultEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const cli = options.cliPath ?? defaultCliPath();
  if (!existsSync(cli)) return Promise.reject(new Error(`the emulator is not built: ${cli} is missing — run npm run build`));
  const args = [cli, "--data-dir", options.dataDir, "--port", String(options.port ?? 0)];
  for (const a of options.hostAliases ?? []) args.push("--host-alias", a);
  for (const v of options.vaults ?? []) args.push("--vault", v);
  if (options.tenantId) args.push("--tenant", options.tenantId);
  if (options.tokenLifetimeSeconds !== undefined) args.push("--token-lifetime-seconds", String(options.tokenLifetimeSeconds));
  const child = spawn(process.execPath, args, { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ekm-keyvault-emulator did not print its ready line within ${options.readyTimeoutMs ?? 30_000} ms; output:\n${out}`));
    }, options.readyTimeoutMs ?? 30_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`ekm-keyvault-emulator exited with ${code} before it was ready; output:\n${out}`));
    };
    child.once("exit", early);
    const onData = (d: Buffer) => {
      out += d.toString("utf8");
      const m = /listening on (https:\/\/\S+) ca=(\S+) admin-token=(\S+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.off("exit", early);
      const [, url, caPath, tokenPath] = m;
      const caPem = readFileSync(caPath, "utf8");
      const adminToken = readFileSync(tokenPath, "utf8").trim();
      const stop = async (graceMs = 5000) => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(t);
        }
      };
      resolvePromise({
        url,
        port: Number(new URL(url).port),
        caPath,
        caPem,
        adminToken,
        admin: new KeyVaultEmulatorClient({ url, adminToken, ca: caPem }),
        process: child,
        output: () => out,
        stop,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
          return exited;
        },
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  });
}
