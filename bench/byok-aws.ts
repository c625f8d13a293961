/**
 * bench/byok-aws: BYOK encryption with the customer's KMS key (moto) against the platform key,
 * in the same run, and the KMS calls per 10,000 encrypts with the default cache settings.
 * Goals: ≥ 0.9 of platform-key throughput at 64 KiB; ≤ 10 KMS calls per 10,000 encrypts.
 *
 *   npx tsx bench/byok-aws.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlatformClient } from "../sdk";
import { defaultCustomerKeys, defaultSettings, startPlatform } from "../platform";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint } from "../test/support/awsCustomer";
import { startMoto } from "../test/support/moto";
import { BUDGET_MS, byokThroughputTable } from "./measure";

async function main(): Promise<void> {
  const moto = await startMoto();
  const restoreEnv = useAwsEndpoint(moto.endpoint);
  const dataDir = mkdtempSync(join(tmpdir(), "ekm-bench-"));
  const calls: string[] = [];
  const settings = { ...defaultSettings(), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL };
  const admin = "bench-admin-token-0123456789";
  const running = await startPlatform({
    dataDir,
    adminToken: admin,
    settings,
    log: () => {},
    customerKeys: defaultCustomerKeys(settings, { aws: { onCall: (s, c) => void calls.push(`${s}:${c}`) } }),
  });
  try {
    const adminClient = new PlatformClient({ baseUrl: running.url, token: admin });
    const byokAcct = await adminClient.createAccount({ name: "byok" });
    const platformAcct = await adminClient.createAccount({ name: "platform" });
    const client = new PlatformClient({ baseUrl: running.url, token: byokAcct.token });
    const trust = await client.getTrust(byokAcct.accountId);
    const customer = await provisionCustomer(moto.endpoint, { accountId: byokAcct.accountId, externalId: trust.aws!.externalId });
    await client.putByok(byokAcct.accountId, { provider: "aws", aws: { keyArn: customer.keyArn, roleArn: customer.roleArn }, nickname: "bench", activationDate: "2026-01-01" });
    const env = running.platform.envelope;

    console.log(`bench/byok-aws (${BUDGET_MS} ms per measurement, moto on loopback, Node ${process.version})`);
    await byokThroughputTable((accountId, payload) => env.encrypt(accountId, payload), { platform: platformAcct.accountId, byok: byokAcct.accountId }, "byok-aws", "BYOK (AWS KMS)");

    // KMS calls per 10,000 encrypts, from a cold cache, with the default bounds.
    env.forget(byokAcct.accountId);
    calls.length = 0;
    const small = randomBytes(256);
    for (let i = 0; i < 10_000; i++) await env.encrypt(byokAcct.accountId, small);
    const kms = calls.filter((c) => c.startsWith("kms:")).length;
    console.log(`KMS calls per 10,000 encrypts (max age ${settings.byokCache.maxAgeMs} ms, ${settings.byokCache.maxMessages} messages per data key): ${kms} (${calls.join(", ") || "none"}); goal ≤ 10`);
  } finally {
    await running.close();
    restoreEnv();
    await moto.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
