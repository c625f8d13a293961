#!/usr/bin/env node
/**
 * ekm-platform --port <p> --data-dir <dir> [--init] [--host 127.0.0.1] [--aws-principal-arn ARN]
 *              [--azure-client-id ID] [--allow-vault-host HOST]... [--max-body-bytes N]
 *              [--azure-authority-host URL] [--vault-endpoint-override NAME.vault.azure.net=127.0.0.1:PORT]...
 *              [--azure-ca-file PATH]   (the last three: test only, against a local Key Vault emulator)
 *              [--headers-timeout-ms N] [--request-timeout-ms N] [--keep-alive-timeout-ms N] [--max-connections N]
 *
 * The admin token comes from EKM_ADMIN_TOKEN; the Azure app's client secret from
 * EKM_AZURE_CLIENT_SECRET (never logged or returned). Prints "ekm-platform listening on <url>" once
 * it accepts requests, and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startPlatform } from "../start";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "../http/connectionLimits";
import { azureTestFlags, type AzureTestSettings } from "../byok/azureTestOverrides";

const USAGE = [
  "usage: ekm-platform --port <port|0> --data-dir <dir> [--init] [--host 127.0.0.1] [--aws-principal-arn ARN] [--azure-client-id ID] [--allow-vault-host HOST] [--azure-authority-host URL] [--vault-endpoint-override HOST=127.0.0.1:PORT]... [--azure-ca-file PATH] [--max-body-bytes N] [--maintenance-interval-ms N] [--headers-timeout-ms N] [--request-timeout-ms N] [--keep-alive-timeout-ms N] [--max-connections N]",
  "env: EKM_ADMIN_TOKEN (required), EKM_ROOT_KEY, EKM_AZURE_CLIENT_SECRET, EKM_BYOK_CACHE_MAX_AGE_MS, EKM_INSPECT_TRUST_POLICY",
].join("\n");

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        "data-dir": { type: "string" },
        init: { type: "boolean", default: false },
        host: { type: "string", default: "127.0.0.1" },
        "aws-principal-arn": { type: "string" },
        "azure-client-id": { type: "string" },
        "allow-vault-host": { type: "string", multiple: true, default: [] },
        "azure-authority-host": { type: "string" },
        "vault-endpoint-override": { type: "string", multiple: true, default: [] },
        "azure-ca-file": { type: "string" },
        "max-body-bytes": { type: "string" },
        "maintenance-interval-ms": { type: "string" },
        "headers-timeout-ms": { type: "string" },
        "request-timeout-ms": { type: "string" },
        "keep-alive-timeout-ms": { type: "string" },
        "max-connections": { type: "string" },
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
  const port = Number(values.port);
  if (values.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535 (0 picks a free port), received ${JSON.stringify(values.port ?? null)}\n${USAGE}`);
  if (!values["data-dir"]) fail(`--data-dir is required: the directory of the SQLite store\n${USAGE}`);
  const adminToken = process.env.EKM_ADMIN_TOKEN ?? "";
  if (adminToken.length < 16) fail('EKM_ADMIN_TOKEN must be set to a secret of at least 16 characters: export EKM_ADMIN_TOKEN="$(openssl rand -hex 24)"');
  const maxBody = values["max-body-bytes"] === undefined ? undefined : Number(values["max-body-bytes"]);
  if (maxBody !== undefined && (!Number.isInteger(maxBody) || maxBody < 1024)) fail(`--max-body-bytes must be a whole number ≥ 1024, received ${JSON.stringify(values["max-body-bytes"])}`);
  const interval = values["maintenance-interval-ms"] === undefined ? undefined : Number(values["maintenance-interval-ms"]);
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 1000)) {
    fail(`--maintenance-interval-ms must be a whole number ≥ 1000, received ${JSON.stringify(values["maintenance-interval-ms"])}: omit it for the default 60000`);
  }

  let azureTest: AzureTestSettings | undefined;
  try {
    azureTest = azureTestFlags(values["azure-authority-host"], values["vault-endpoint-override"] as string[], values["azure-ca-file"]);
  } catch (err) {
    fail((err as Error).message);
  }

  const D = DEFAULT_CONNECTION_LIMITS;
  const connections: ConnectionLimits = {
    headersTimeoutMs: intFlag(values, "headers-timeout-ms", 100, D.headersTimeoutMs),
    requestTimeoutMs: intFlag(values, "request-timeout-ms", 100, D.requestTimeoutMs),
    keepAliveTimeoutMs: intFlag(values, "keep-alive-timeout-ms", 100, D.keepAliveTimeoutMs),
    maxConnections: intFlag(values, "max-connections", 1, D.maxConnections),
  };

  const running = await startPlatform({
    connections,
    dataDir: values["data-dir"],
    rootKey: process.env.EKM_ROOT_KEY,
    init: values.init,
    port,
    host: values.host,
    adminToken,
    maxBodyBytes: maxBody,
    maintenanceIntervalMs: interval,
    settings: {
      ...(values["aws-principal-arn"] ? { awsPrincipalArn: values["aws-principal-arn"] } : {}),
      ...(values["azure-client-id"] ? { azureClientId: values["azure-client-id"] } : {}),
      allowVaultHosts: values["allow-vault-host"] as string[],
      ...(azureTest === undefined ? {} : { azureTest }),
    },
  });
  process.stdout.write(`ekm-platform listening on ${running.url}\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** A whole-number flag ≥ `min`, or its default; a bad value exits naming the flag and the default. */
function intFlag(values: Record<string, unknown>, name: string, min: number, dflt: number): number {
  const raw = values[name];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) fail(`--${name} must be a whole number ≥ ${min}, received ${JSON.stringify(raw)}: omit it for the default ${dflt}`);
  return n;
}

function fail(message: string): never {
  process.stderr.write(`ekm-platform: ${message}\n`);
  process.exit(2);
}

main().catch((err: Error) => fail(err.message));
