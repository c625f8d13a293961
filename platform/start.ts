/** Starts a Platform behind its HTTP server with a maintenance timer; what the CLI, tests and the demo use. */
import { Platform, type PlatformOptions } from "./platform";
import { serve } from "./http/server";
import { azureTestOf, azureTestOverrideWarnings } from "./byok/azureTestOverrides";
import type { ConnectionLimits } from "./http/connectionLimits";

/** Options of `startPlatform`. */
export interface StartOptions extends PlatformOptions {
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface. @default 127.0.0.1 */
  readonly host?: string;
  /** Admin token. */
  readonly adminToken: string;
  /** Largest request body. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Timeouts and the connection cap of the HTTP server. @default DEFAULT_CONNECTION_LIMITS */
  readonly connections?: Partial<ConnectionLimits>;
  /** How often rotations, activations and fallback rechecks run. @default 60000 */
  readonly maintenanceIntervalMs?: number;
}

/** A running platform. */
export interface RunningPlatform {
  readonly url: string;
  readonly platform: Platform;
  close(): Promise<void>;
}

/** Opens the store, serves HTTP on loopback and runs maintenance on a timer. */
export async function startPlatform(options: StartOptions): Promise<RunningPlatform> {
  const platform = new Platform(options);
  const { allowVaultHosts } = platform.ctx.settings;
  if (allowVaultHosts.length > 0) {
    platform.ctx.log("warn", `!!! --allow-vault-host is ON: the platform will call ${allowVaultHosts.join(", ")} besides Key Vault hosts. Use this only for local tests.`);
  }
  for (const line of azureTestOverrideWarnings(azureTestOf(platform.ctx.settings))) platform.ctx.log("warn", line);
  let server;
  try {
    server = await serve(platform, { port: options.port ?? 0, host: options.host, adminToken: options.adminToken, maxBodyBytes: options.maxBodyBytes, connections: options.connections });
  } catch (err) {
    platform.close(); // releases the data dir's lock
    throw err;
  }
  // One maintenance run at a time; the first resumes reverts a crash interrupted, right at start.
  let running: Promise<void> | undefined;
  const maintain = (work: () => Promise<void>) => {
    if (running) return;
    running = work()
      .catch((err: Error) => platform.ctx.log("error", "maintenance failed", { error: err.message }))
      .finally(() => (running = undefined));
  };
  maintain(() => platform.resumeReverts("start"));
  const timer = setInterval(() => maintain(() => platform.tick()), options.maintenanceIntervalMs ?? 60_000);
  timer.unref();
  return {
    url: server.url,
    platform,
    close: async () => {
      clearInterval(timer);
      await server.close();
      await running;
      platform.close();
    },
  };
}
