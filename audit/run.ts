/**
 * One audit: group the declared configurations by account, read each account's platform view
 * and (optionally) its customer-key view with at most `concurrency` accounts in flight, judge,
 * and build the report. Every call it makes is a read.
 */
import { PlatformClient } from "../sdk";
import type { Severity } from "../sdk/contract/posture";
import { AwsReaders, readAwsLiveView } from "./aws/liveView";
import { AzureReaders, readAzureLiveView } from "./azure/liveView";
import type { AccountEvidence, DeclaredByok, Finding, LiveView } from "./model";
import { readPlatformView } from "./platformView";
import { buildReport, type AccountSummary, type AuditReport } from "./report/report";
import { judge } from "./rules";

/** Accounts audited at once when `--concurrency` is not given. */
export const DEFAULT_CONCURRENCY = 8;

/** What one audit needs. */
export interface AuditOptions {
  readonly platformUrl: string;
  /** An account token (its own account) or the platform admin token (any account). */
  readonly token: string;
  readonly declared: readonly DeclaredByok[];
  /** Start of the history window (ISO 8601). */
  readonly since: string;
  readonly failOn: Severity;
  /** Which customer-key views to read. */
  readonly customerKeys: readonly ("aws" | "azure")[];
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** Called after each account. */
  readonly progress?: (done: number, total: number) => void;
  /** The audit's clock. @default () => new Date() */
  readonly now?: () => Date;
  readonly version?: string;
  /** Shared SDK clients (the benchmark passes its own to count calls). */
  readonly aws?: AwsReaders;
  readonly azure?: AzureReaders;
}

/** Runs `work` over `items` with at most `limit` in flight; rejects with the first failure. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        out[i] = await work(items[i]!);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return out;
}

/** Runs the audit and returns its report. Throws an AuditError when it cannot look. */
export async function runAudit(o: AuditOptions): Promise<AuditReport> {
  const now = (o.now ?? (() => new Date()))().toISOString();
  const client = new PlatformClient({ baseUrl: o.platformUrl, token: o.token });
  const byAccount = new Map<string, DeclaredByok[]>();
  for (const d of o.declared) byAccount.set(d.accountId, [...(byAccount.get(d.accountId) ?? []), d]);
  const accounts = [...byAccount.keys()].sort();
  const aws = o.customerKeys.includes("aws") ? (o.aws ?? new AwsReaders()) : undefined;
  // Loaded only when the Azure view runs: @azure/identity is the heaviest module here.
  const azure = o.customerKeys.includes("azure")
    ? (o.azure ??
      new AzureReaders(() => {
        const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
        return new DefaultAzureCredential();
      }))
    : undefined;
  let done = 0;
  try {
    const judged = await pool(accounts, o.concurrency ?? DEFAULT_CONCURRENCY, async (accountId) => {
      const declared = byAccount.get(accountId)!;
      const config = declared[0]!.config;
      const [platform, live] = await Promise.all([
        readPlatformView(client, accountId, o.since),
        ((): Promise<LiveView | undefined> => {
          if (config.provider === "aws" && aws) return readAwsLiveView(aws, config.aws, declared[0]!.aws);
          if (config.provider === "azure" && azure) return readAzureLiveView(azure, config.azure);
          return Promise.resolve(undefined);
        })(),
      ]);
      const ev: AccountEvidence = { accountId, declared, platform, live, since: o.since, now };
      const findings = judge(ev);
      o.progress?.(++done, accounts.length);
      const summary: AccountSummary = {
        accountId,
        stacks: [...new Set(declared.map((d) => d.stack))],
        provider: platform.state.byok?.provider ?? null,
        mode: platform.state.mode,
        status: platform.state.byok?.status ?? null,
        effectiveKeySource: platform.state.effectiveKeySource,
        findings: findings.length,
      };
      return { summary, findings };
    });
    return buildReport({
      tool: { name: "ekm audit", version: o.version ?? "0.1.0" },
      generatedAt: now,
      window: { since: o.since, until: now },
      failOn: o.failOn,
      customerKeys: [...o.customerKeys].sort(),
      accounts: judged.map((j) => j.summary),
      findings: judged.flatMap((j): Finding[] => j.findings),
    });
  } finally {
    if (!o.aws) aws?.destroy();
  }
}
