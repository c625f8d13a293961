/** Tiny benchmark helpers: run a function for a time budget and report bytes per second. */
import { randomBytes } from "node:crypto";

/** Result of one measurement. */
export interface Rate {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly bytesPerSecond: number;
}

/** Runs `fn` repeatedly: a warm-up, then for at least `budgetMs`; returns the rate. */
export async function measure(payloadBytes: number, budgetMs: number, fn: () => unknown | Promise<unknown>): Promise<Rate> {
  for (let i = 0; i < 20; i++) await fn();
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 8; i++) await fn();
    ops += 8;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  return { ops, seconds, opsPerSecond: ops / seconds, bytesPerSecond: (ops * payloadBytes) / seconds };
}

/** Formats bytes per second as MiB/s. */
export const mibps = (r: Rate) => `${(r.bytesPerSecond / 1048576).toFixed(1)} MiB/s`;

/** Payload sizes every content benchmark uses. */
export const SIZES: readonly [string, number][] = [
  ["1 KiB", 1024],
  ["64 KiB", 64 * 1024],
  ["1 MiB", 1024 * 1024],
];

/** Time budget per measurement; BENCH_MS overrides it. */
export const BUDGET_MS = Number(process.env.BENCH_MS ?? 1500);

/** Alternating rounds per comparison; BENCH_ROUNDS overrides it (more rounds steady the medians on a busy machine). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/**
 * Measures `a` and `b` in alternating rounds and returns the median rate of each, so a noisy
 * neighbour slows both sides alike instead of skewing one.
 */
export async function compare(payloadBytes: number, budgetMs: number, a: () => unknown, b: () => unknown, rounds = ROUNDS): Promise<[Rate, Rate]> {
  const ra: Rate[] = [];
  const rb: Rate[] = [];
  for (let i = 0; i < rounds; i++) {
    ra.push(await measure(payloadBytes, budgetMs / rounds, a));
    rb.push(await measure(payloadBytes, budgetMs / rounds, b));
  }
  const median = (rs: Rate[]) => [...rs].sort((x, y) => x.bytesPerSecond - y.bytesPerSecond)[Math.floor(rs.length / 2)];
  return [median(ra), median(rb)];
}

/** What the BYOK throughput table needs of the envelope: an encrypt that reports the key source it used. */
export type EncryptWithSource = (accountId: string, payload: Buffer) => Promise<{ readonly keySource: string }>;

/**
 * Prints, per payload size, the platform key's throughput against BYOK's (`keySource`, e.g.
 * "byok-aws") measured in alternating rounds, and their ratio. Each BYOK encrypt checks it really
 * used `keySource`, so a silent fallback to the platform key cannot pass as BYOK speed.
 */
export async function byokThroughputTable(encrypt: EncryptWithSource, accounts: { platform: string; byok: string }, keySource: string, column: string): Promise<void> {
  console.log(`payload  | platform key        | ${column.padEnd(19)} | ratio`);
  for (const [label, size] of SIZES) {
    const payload = randomBytes(size);
    const [base, byok] = await compare(
      size,
      BUDGET_MS,
      () => encrypt(accounts.platform, payload),
      async () => {
        const r = await encrypt(accounts.byok, payload);
        if (r.keySource !== keySource) throw new Error(`expected ${keySource}, got ${r.keySource}`);
      },
    );
    console.log(`${label.padEnd(8)} | ${mibps(base).padStart(19)} | ${mibps(byok).padStart(19)} | ${(byok.bytesPerSecond / base.bytesPerSecond).toFixed(2).padStart(5)}`);
  }
}
