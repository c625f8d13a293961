/**
 * bench/byok-azure: BYOK encryption with the customer's Azure Key Vault key (the Key Vault emulator
 * process, over TLS, through the production ClientSecretCredential → KeyClient/CryptographyClient
 * path) against the platform key, in the same run; the vault calls per 10,000 encrypts with the
 * default cache settings; and one validation chain's latency against a bare get + wrap + unwrap
 * with the Azure SDK on the same emulator.
 * Goals: ≥ 0.9 of platform-key throughput at 64 KiB; ≤ 10 vault calls per 10,000 encrypts;
 * a validation chain ≤ 1.5× the bare calls.
 *
 *   npm run build && npx tsx bench/byok-azure.ts      (the emulator runs from dist/)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { ClientSecretCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { PlatformClient, type PutByokRequest } from "../sdk";
import { defaultCustomerKeys, defaultSettings, startPlatform } from "../platform";
import { startAzureCustomer, type AzureCustomer } from "../test/support/azureCustomer";
import { BUDGET_MS, SIZES, byokThroughputTable } from "./measure";

/** Validation chains and bare sequences timed, alternating, per side. */
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 15);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * A bare Azure SDK client on the emulator, as a program without the platform would write it: the
 * same credential options, CA and vault-host connection as the platform's test transport.
 */
function bareClients(customer: AzureCustomer): { keys: KeyClient; crypto: (keyId: string) => CryptographyClient; close(): void } {
  const address = { host: "127.0.0.1", port: customer.emulator.port };
  class VaultAgent extends https.Agent {
    override createConnection(options: Parameters<https.Agent["createConnection"]>[0], callback?: Parameters<https.Agent["createConnection"]>[1]) {
      const redirect = options.host?.toLowerCase() === customer.vaultHost;
      return super.createConnection(redirect ? { ...options, ...address, servername: customer.vaultHost } : options, callback);
    }
  }
  const agent = new VaultAgent({ keepAlive: true, ca: [...tls.rootCertificates, customer.caPem] });
  const credential = new ClientSecretCredential(customer.tenantId, customer.clientId, customer.clientSecret, { authorityHost: customer.authorityHost, disableInstanceDiscovery: true, agent });
  const options = { agent, retryOptions: { maxRetries: 1 } };
  const cryptoClients = new Map<string, CryptographyClient>();
  const crypto = (keyId: string) => {
    let c = cryptoClients.get(keyId);
    if (c === undefined) cryptoClients.set(keyId, (c = new CryptographyClient(keyId, credential, options)));
    return c;
  };
  return { keys: new KeyClient(customer.vaultUrl, credential, options), crypto, close: () => agent.destroy() };
}

async function main(): Promise<void> {
  const customer = await startAzureCustomer({ vaultName: "bench-vault", keyName: "bench-kek" });
  const dataDir = mkdtempSync(join(tmpdir(), "ekm-bench-"));
  const calls: string[] = [];
  const settings = { ...defaultSettings(), ...customer.platformSettings() };
  const admin = "bench-admin-token-0123456789";
  const running = await startPlatform({
    dataDir,
    adminToken: admin,
    settings,
    log: () => {},
    customerKeys: defaultCustomerKeys(settings, { azure: { onCall: (op) => void calls.push(op) } }),
  });
  const bare = bareClients(customer);
  try {
    const adminClient = new PlatformClient({ baseUrl: running.url, token: admin });
    const byokAcct = await adminClient.createAccount({ name: "byok" });
    const platformAcct = await adminClient.createAccount({ name: "platform" });
    const client = new PlatformClient({ baseUrl: running.url, token: byokAcct.token });
    const request: PutByokRequest = customer.byokRequest({ nickname: "bench" });
    await client.putByok(byokAcct.accountId, request);
    const env = running.platform.envelope;

    console.log(`bench/byok-azure (${BUDGET_MS} ms per measurement, the Key Vault emulator process over TLS on loopback, Node ${process.version})`);
    await byokThroughputTable((accountId, payload) => env.encrypt(accountId, payload), { platform: platformAcct.accountId, byok: byokAcct.accountId }, "byok-azure", "BYOK (Key Vault)");
    // The same comparison per message: one platform and one BYOK encrypt after another (order
    // alternating), each timed alone; the medians ignore the stalls a busy machine adds to both.
    const perMessage: string[] = [];
    for (const [label, size] of SIZES) {
      const payload = randomBytes(size);
      const t = { platform: [] as number[], byok: [] as number[] };
      const n = Math.max(200, Math.round((BUDGET_MS * 4096) / size));
      for (let i = 0; i < n; i++) {
        for (const side of i % 2 === 0 ? (["platform", "byok"] as const) : (["byok", "platform"] as const)) {
          t[side].push(await timed(() => env.encrypt(side === "byok" ? byokAcct.accountId : platformAcct.accountId, payload)));
        }
      }
      perMessage.push(`${label} ${(median(t.platform) / median(t.byok)).toFixed(2)} (${(median(t.platform) * 1000).toFixed(0)} / ${(median(t.byok) * 1000).toFixed(0)} µs, ${n} each)`);
    }
    console.log(`per-message medians, interleaved: platform ÷ BYOK time: ${perMessage.join("; ")}`);

    // Vault calls per 10,000 encrypts, from a cold cache, with the default bounds.
    env.forget(byokAcct.accountId);
    calls.length = 0;
    const small = randomBytes(256);
    for (let i = 0; i < 10_000; i++) await env.encrypt(byokAcct.accountId, small);
    const byOp = new Map<string, number>();
    for (const c of calls) byOp.set(c, (byOp.get(c) ?? 0) + 1);
    console.log(
      `vault calls per 10,000 encrypts (max age ${settings.byokCache.maxAgeMs} ms, ${settings.byokCache.maxMessages} messages per data key): ${calls.length} ` +
        `(${[...byOp].map(([op, n]) => `${n} ${op}`).join(", ") || "none"}); goal ≤ 10`,
    );

    // One validation chain (what POST byok:validate runs: a fresh client of the configuration, then
    // GetKey → RecoveryLevel → WrapKey → UnwrapKey) against a bare getKey + wrapKey + unwrapKey, in
    // alternating rounds, medians. "cold": both sides with new clients (each client's first request
    // is answered with Key Vault's authentication challenge); "warm": both with clients in use.
    const byok = running.platform.byok;
    const keyName = customer.keyName;
    const data = randomBytes(32);
    const bareSequence = async (c: ReturnType<typeof bareClients>) => {
      const key = await c.keys.getKey(keyName);
      const crypto = c.crypto(key.id!);
      const wrapped = await crypto.wrapKey("RSA-OAEP-256", data);
      await crypto.unwrapKey("RSA-OAEP-256", wrapped.result);
    };
    // Warm-up of both sides (TLS sessions, JIT).
    for (let i = 0; i < 3; i++) {
      await byok.validate(byokAcct.accountId, request, "dry-run");
      await bareSequence(bare);
    }
    const pooled = byok.pool.for(byokAcct.accountId, { provider: "azure", reference: (request as Extract<PutByokRequest, { provider: "azure" }>).azure });
    const sides = { coldChain: [] as number[], coldBare: [] as number[], warmChain: [] as number[], warmBare: [] as number[] };
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      sides.coldChain.push(
        await timed(async () => {
          const v = await byok.validate(byokAcct.accountId, request, "dry-run");
          if (!v.ok) throw new Error(`validation failed: ${JSON.stringify(v.checks)}`);
        }),
      );
      const fresh = bareClients(customer);
      sides.coldBare.push(await timed(() => bareSequence(fresh)));
      fresh.close();
      sides.warmChain.push(await timed(() => pooled.validate()));
      sides.warmBare.push(await timed(() => bareSequence(bare)));
    }
    const m = Object.fromEntries(Object.entries(sides).map(([k, v]) => [k, median(v)])) as Record<keyof typeof sides, number>;
    // What each side sends, from the emulator's request log (Entra and vault).
    const wire = async (fn: () => Promise<unknown>) => {
      await customer.admin.clearRequests();
      await fn();
      return (await customer.admin.requests()).filter((r) => r.area !== "admin").map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}/, "<v>").replace(customer.tenantId, "<tenant>")} ${r.status}`);
    };
    const chainWire = await wire(() => byok.validate(byokAcct.accountId, request, "dry-run"));
    const freshBare = bareClients(customer);
    const bareWire = await wire(() => bareSequence(freshBare));
    freshBare.close();
    console.log(`validation chain vs bare get + wrap + unwrap (medians of ${LATENCY_ROUNDS} alternating rounds); goal ≤ 1.5×`);
    console.log(`  cold (new credential and clients, as each byok:validate): chain ${m.coldChain.toFixed(1)} ms, bare ${m.coldBare.toFixed(1)} ms, ratio ${(m.coldChain / m.coldBare).toFixed(2)}×`);
    console.log(`    chain sends ${chainWire.length}: ${chainWire.join(", ")}`);
    console.log(`    bare sends ${bareWire.length}: ${bareWire.join(", ")}`);
    console.log(`  warm (clients in use): chain ${m.warmChain.toFixed(1)} ms, bare ${m.warmBare.toFixed(1)} ms, ratio ${(m.warmChain / m.warmBare).toFixed(2)}×`);
  } finally {
    bare.close();
    await running.close();
    await customer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
