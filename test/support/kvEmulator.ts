// Raw HTTPS calls to the Key Vault emulator process, addressed to a vault name by Host header and
// SNI (as a client that resolves <vault>.vault.azure.net to 127.0.0.1 does), trusting its CA only.
import { request } from "node:https";

/** An answer as received. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly json: unknown;
}

/** One HTTPS request to 127.0.0.1:`port` with `Host: host`. */
export function httpsCall(p: { port: number; host: string; method: string; path: string; ca: string; headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<RawAnswer> {
  const body = p.body ?? "";
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: p.port,
        servername: p.host.split(":")[0].replace(/^127\.0\.0\.1$/, "") || undefined,
        method: p.method,
        path: p.path,
        ca: p.ca,
        headers: { host: `${p.host}:${p.port}`, "content-length": String(Buffer.byteLength(body)), ...p.headers },
        timeout: p.timeoutMs ?? 30_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text === "" ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`timed out after ${p.timeoutMs ?? 30_000} ms`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

/** A client-credentials token from the emulator's Entra endpoint. */
export async function clientCredentialsToken(p: { port: number; ca: string; tenantId: string; clientId: string; secret: string }): Promise<string> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: p.clientId, client_secret: p.secret, scope: "https://vault.azure.net/.default" }).toString();
  const a = await httpsCall({ port: p.port, host: "127.0.0.1", method: "POST", path: `/${p.tenantId}/oauth2/v2.0/token`, ca: p.ca, headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
  if (a.status !== 200) throw new Error(`token endpoint answered ${a.status}: ${a.text}`);
  return (a.json as { access_token: string }).access_token;
}
