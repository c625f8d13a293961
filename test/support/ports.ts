// Loopback port and polling helpers shared by the real-part harnesses.
import * as net from "node:net";

/** Asks the kernel for a free TCP port on 127.0.0.1 and releases it at once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("freePort: the server has no TCP address"));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

export interface WaitForOptions {
  /** Gives up after this long; default 30 s. */
  timeoutMs?: number;
  /** Pause between tries; default 100 ms. */
  intervalMs?: number;
  /** Names what is awaited in the timeout error, e.g. "moto on :4566". */
  what?: string;
  /** Stops early with this error when it returns one (e.g. the child process exited). */
  abort?: () => Error | undefined;
}

/**
 * Calls `fn` until it returns a value other than `undefined`/`false` or the time runs out.
 * A throw counts as "not yet"; the last one is quoted in the timeout error.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const what = options.what ?? "condition";
  const started = Date.now();
  let lastError: unknown;
  let tries = 0;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    tries += 1;
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as T;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const cause = lastError instanceof Error ? lastError.message : lastError === undefined ? "" : String(lastError);
      throw new Error(
        `waitFor: timed out after ${elapsed} ms (${tries} tries) waiting for ${what}` + (cause ? `; last error: ${cause}` : ""),
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, timeoutMs - elapsed))));
  }
}
