// Starts the real platform (SQLite store + HTTP on loopback) for a test, with an injectable clock.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EDGE_STATUSES, OPERATION_IDS, PlatformClient, isDocumentedStatus, type OperationId } from "../../sdk";
import { startPlatform, type StartOptions, type RunningPlatform } from "../../platform";

/** A platform for one test suite. */
export interface TestPlatform {
  readonly url: string;
  readonly dataDir: string;
  readonly running: RunningPlatform;
  readonly admin: PlatformClient;
  readonly adminToken: string;
  /** Log lines written by the platform. */
  readonly logs: string[];
  /** Creates an account and a client holding its token. */
  newAccount(name?: string): Promise<{ accountId: string; token: string; client: PlatformClient }>;
  close(): Promise<void>;
}

/** Starts a platform in a fresh temporary data dir. */
export async function startTestPlatform(options: Partial<StartOptions> = {}): Promise<TestPlatform> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "ekm-test-"));
  const adminToken = options.adminToken ?? `admin-${Math.random().toString(36).slice(2)}-token`;
  const logs: string[] = [];
  const running = await startPlatform({
    ...options,
    dataDir,
    adminToken,
    log: options.log ?? ((level, message, fields) => void logs.push(JSON.stringify({ level, message, ...fields }))),
  });
  const admin = new PlatformClient({ baseUrl: running.url, token: adminToken, retry: { maxAttempts: 1 } });
  return {
    url: running.url,
    dataDir,
    running,
    admin,
    adminToken,
    logs,
    async newAccount(name?: string) {
      const { accountId, token } = await admin.createAccount({ name });
      return { accountId, token, client: new PlatformClient({ baseUrl: running.url, token, retry: { maxAttempts: 1 } }) };
    },
    async close() {
      await running.close();
      const undocumented = undocumentedStatuses(logs);
      if (undocumented.length > 0) {
        throw new Error(`the platform answered statuses openapi/ekm-v1.json does not list: ${undocumented.join(", ")}; add them to the route table (sdk/api/routes.ts) or fix the server`);
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Raw request helper for cases the typed client refuses to send. */
export async function raw(url: string, method: string, path: string, init: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as { error?: { code: string; message: string; field?: string } } & Record<string, unknown>, headers: res.headers };
}

/**
 * `operation status` of every request in the platform's log whose status the route table (and so
 * the OpenAPI document) does not list for that operation; requests outside every operation are
 * checked against the edge's statuses. Every test platform runs this when it closes.
 */
export function undocumentedStatuses(logs: readonly string[]): string[] {
  const found = new Set<string>();
  for (const line of logs) {
    const e = JSON.parse(line) as { message?: string; route?: string; status?: number };
    if (e.message !== "request" || typeof e.status !== "number") continue;
    const known = (OPERATION_IDS as string[]).includes(String(e.route));
    const ok = known ? isDocumentedStatus(e.route as OperationId, e.status) : e.status in EDGE_STATUSES;
    if (!ok) found.add(`${e.route} ${e.status}`);
  }
  return [...found].sort();
}
