/**
 * bench/content-encryption: platform envelope encryption against raw AES-256-GCM, measured in
 * the same run. Prints, per payload size, the in-process ratio and the ratio over HTTP on
 * loopback. Goal: ≥ 0.8 of raw at 64 KiB in process.
 *
 *   npx tsx bench/content-encryption.ts      (BENCH_MS=3000 for longer runs)
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlatformClient } from "../sdk";
import { startPlatform } from "../platform";
import { BUDGET_MS, SIZES, compare, measure, mibps } from "./measure";

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "ekm-bench-"));
  const admin = "bench-admin-token-0123456789";
  const running = await startPlatform({ dataDir, adminToken: admin, maxBodyBytes: 4 * 1024 * 1024, log: () => {} });
  try {
    const { accountId, token } = await new PlatformClient({ baseUrl: running.url, token: admin }).createAccount({ name: "bench" });
    const client = new PlatformClient({ baseUrl: running.url, token });
    const key = randomBytes(32);
    console.log(`bench/content-encryption (${BUDGET_MS} ms per measurement, Node ${process.version})`);
    console.log("payload  | raw AES-256-GCM | platform in-process | ratio | platform over HTTP | ratio");
    for (const [label, size] of SIZES) {
      const payload = randomBytes(size);
      const [raw, inproc] = await compare(
        size,
        BUDGET_MS,
        () => {
          const c = createCipheriv("aes-256-gcm", key, randomBytes(12));
          c.update(payload);
          c.final();
          return c.getAuthTag();
        },
        () => running.platform.envelope.encrypt(accountId, payload),
      );
      const http = await measure(size, BUDGET_MS, () => client.encryptContent(accountId, payload));
      console.log(
        `${label.padEnd(8)} | ${mibps(raw).padStart(15)} | ${mibps(inproc).padStart(19)} | ${(inproc.bytesPerSecond / raw.bytesPerSecond).toFixed(2).padStart(5)} | ${mibps(http).padStart(18)} | ${(http.bytesPerSecond / raw.bytesPerSecond).toFixed(2).padStart(5)}`,
      );
    }
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
