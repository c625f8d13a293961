#!/usr/bin/env node
/**
 * ekm-keyvault-emulator --data-dir <dir> [--port 0] [--host 127.0.0.1] [--host-alias NAME]...
 *                       [--vault NAME]... [--tenant GUID] [--token-lifetime-seconds N]
 *
 * Serves Azure Key Vault (keys) and Microsoft Entra ID's client-credentials endpoint over HTTPS
 * with a CA of its own. When ready it prints one line:
 *   ekm-keyvault-emulator listening on https://127.0.0.1:<port> ca=<path of ca.pem> admin-token=<path>
 * and stops cleanly on SIGTERM/SIGINT. Keys, principals and grants stay in --data-dir.
 * The admin token comes from EKM_KV_EMULATOR_ADMIN_TOKEN, or is generated into <data-dir>/admin-token.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "./atomicFile";
import { vaultNameOfHost } from "./facts";
import { EmulatorServer } from "./server";
import { DEFAULT_VAULT, Store } from "./store";
import { loadOrCreateTls } from "./tls";

const USAGE =
  "usage: ekm-keyvault-emulator --data-dir <dir> [--port <port|0>] [--host 127.0.0.1] [--host-alias NAME]... [--vault NAME]... [--tenant GUID] [--token-lifetime-seconds N]\n" +
  "env: EKM_KV_EMULATOR_ADMIN_TOKEN (optional; else generated into <data-dir>/admin-token)";

function fail(message: string): never {
  process.stderr.write(`ekm-keyvault-emulator: ${message}\n`);
  process.exit(2);
}

function adminToken(dataDir: string): { token: string; path: string } {
  const path = join(dataDir, "admin-token");
  const fromEnv = process.env.EKM_KV_EMULATOR_ADMIN_TOKEN;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < 16) fail(`EKM_KV_EMULATOR_ADMIN_TOKEN must be at least 16 characters, got ${fromEnv.length}: export EKM_KV_EMULATOR_ADMIN_TOKEN="$(openssl rand -hex 24)"`);
    writeFileAtomic(path, fromEnv);
    return { token: fromEnv, path };
  }
  if (existsSync(path)) return { token: readFileSync(path, "utf8").trim(), path };
  const token = randomBytes(24).toString("hex");
  writeFileAtomic(path, token);
  return { token, path };
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "data-dir": { type: "string" },
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        "host-alias": { type: "string", multiple: true, default: [] },
        vault: { type: "string", multiple: true, default: [] },
        tenant: { type: "string" },
        "token-lifetime-seconds": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values["data-dir"] === undefined) fail(`--data-dir is required\n${USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0 to 65535, got ${JSON.stringify(values.port)}`);
  if (values.host !== "127.0.0.1" && values.host !== "::1" && values.host !== "localhost") fail(`--host must be a loopback address (127.0.0.1, ::1, localhost), got ${values.host}`);
  const lifetime = values["token-lifetime-seconds"] === undefined ? undefined : Number(values["token-lifetime-seconds"]);
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 1)) fail(`--token-lifetime-seconds must be a positive integer, got ${values["token-lifetime-seconds"]}`);
  const tenant = values.tenant?.toLowerCase();
  if (tenant !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenant)) fail(`--tenant must be a GUID, got ${values.tenant}`);
  for (const alias of values["host-alias"]) {
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(alias)) fail(`--host-alias must be a DNS name (optionally *.name), got ${JSON.stringify(alias)}`);
  }

  const dataDir = resolve(values["data-dir"]);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = new Store(dataDir);
  const vaultNames = [...values.vault, ...values["host-alias"].map((a) => vaultNameOfHost(a)).filter((n): n is string => n !== undefined && n !== "*")];
  for (const name of vaultNames) {
    if (!/^[0-9a-zA-Z-]{3,24}$/.test(name)) fail(`--vault must be 3–24 letters, digits or hyphens (Key Vault's rule), got ${JSON.stringify(name)}`);
    store.ensureVault(name, tenant === undefined ? {} : { tenantId: tenant });
  }
  if (tenant !== undefined) {
    const d = store.vault(DEFAULT_VAULT)!;
    d.settings.tenantId = tenant;
    store.save();
  }
  const tls = loadOrCreateTls(dataDir, values["host-alias"]);
  const admin = adminToken(dataDir);
  const server = new EmulatorServer({ store, tls, adminToken: admin.token, tokenLifetimeSeconds: lifetime });
  const bound = await server.listen(port, values.host);
  const shown = values.host === "::1" ? "[::1]" : values.host;
  process.stdout.write(`ekm-keyvault-emulator listening on https://${shown}:${bound} ca=${tls.caPath} admin-token=${admin.path}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`ekm-keyvault-emulator: ${signal}, stopping\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => fail((err as Error)?.message ?? String(err)));
