/**
 * bench/audit: `ekm audit` over 200 accounts (real platform + moto) at the default concurrency,
 * against a baseline in the same run: the same read calls made directly with the typed platform
 * client and the AWS SDK at the same concurrency, with no rules and no report.
 * Goals: ≤ 8 calls per account with the AWS customer-key view; wall time ≤ 1.3× the baseline.
 *
 *   npx tsx bench/audit.ts            (BENCH_ACCOUNTS=200, BENCH_ROUNDS=3)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { AwsReaders } from "../audit/aws/liveView";
import type { DeclaredByok } from "../audit/model";
import { DEFAULT_CONCURRENCY, pool, runAudit } from "../audit/run";
import { defaultCustomerKeys, defaultSettings, startPlatform } from "../platform";
import { PlatformClient } from "../sdk";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint, type Customer } from "../test/support/awsCustomer";
import { startMoto } from "../test/support/moto";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The inline policy provisionCustomer puts on each role (test/support/awsCustomer.ts). */
const INLINE_POLICY = "ekm-key-access";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const moto = await startMoto();
  const restoreEnv = useAwsEndpoint(moto.endpoint);
  const dataDir = mkdtempSync(join(tmpdir(), "ekm-bench-audit-"));
  const settings = { ...defaultSettings(), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL };
  const adminToken = "bench-admin-token-0123456789";
  let platformRequests = 0;
  const running = await startPlatform({ dataDir, adminToken, settings, log: (_l, message) => void (message === "request" && platformRequests++), customerKeys: defaultCustomerKeys(settings) });
  try {
    const admin = new PlatformClient({ baseUrl: running.url, token: adminToken });
    const setupStarted = Date.now();
    const accounts: { accountId: string; customer: Customer }[] = await pool(
      Array.from({ length: ACCOUNTS }, (_, i) => i),
      8,
      async (i) => {
        const { accountId } = await admin.createAccount({ name: `bench-${i}` });
        const trust = await admin.getTrust(accountId);
        const customer = await provisionCustomer(moto.endpoint, { accountId, externalId: trust.aws!.externalId });
        await admin.putByok(accountId, { provider: "aws", aws: { keyArn: customer.keyArn, roleArn: customer.roleArn }, nickname: `bench ${i}`, activationDate: "2026-01-01" });
        return { accountId, customer };
      },
    );
    const setupMs = Date.now() - setupStarted;
    // What a stack of the ByokKey component declares (its inline role policy by name), and a stack that registers a key made elsewhere.
    const declared = (withPolicy: boolean): DeclaredByok[] =>
      accounts.map(({ accountId, customer }, i) => ({
        stack: `bench-${i}`,
        urn: `urn:pulumi:bench-${i}::bench::pulumi-nodejs:dynamic/ekm:ByokConfiguration::byok`,
        accountId,
        config: { provider: "aws", aws: { keyArn: customer.keyArn, roleArn: customer.roleArn } },
        nickname: `bench ${i}`,
        activationDate: "2026-01-01",
        aws: withPolicy ? { rolePolicies: [{ urn: `urn:pulumi:bench-${i}::bench::aws:iam/rolePolicy:RolePolicy::p`, name: INLINE_POLICY }] } : undefined,
      }));
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();

    const auditOnce = async (withPolicy: boolean) => {
      const readers = new AwsReaders();
      const before = platformRequests;
      const started = process.hrtime.bigint();
      const report = await runAudit({ platformUrl: running.url, token: adminToken, declared: declared(withPolicy), since, failOn: "high", customerKeys: ["aws"], aws: readers });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const aws = [...readers.calls.values()].reduce((a, b) => a + b, 0);
      readers.destroy();
      if (report.accounts.length !== ACCOUNTS) throw new Error(`audited ${report.accounts.length} accounts, expected ${ACCOUNTS}`);
      if (report.findings.length !== 0) throw new Error(`expected a clean audit, got ${report.findings.map((f) => f.ruleId).join(", ")}`);
      return { ms, platform: platformRequests - before, aws, sha256: report.sha256 };
    };

    // The baseline: the same reads, straight from the SDKs, same pool and concurrency.
    const kms = new KMSClient({ region: "us-east-1" });
    const iam = new IAMClient({ region: "us-east-1" });
    const client = new PlatformClient({ baseUrl: running.url, token: adminToken });
    const baselineOnce = async () => {
      const started = process.hrtime.bigint();
      await pool(accounts, DEFAULT_CONCURRENCY, async ({ accountId, customer }) => {
        await Promise.all([
          client.getKeyManagement(accountId),
          client.getTrust(accountId),
          client.listEvents(accountId, { after: 0, limit: 500 }),
          kms.send(new DescribeKeyCommand({ KeyId: customer.keyArn })),
          kms.send(new GetKeyRotationStatusCommand({ KeyId: customer.keyArn })),
          kms.send(new GetKeyPolicyCommand({ KeyId: customer.keyArn, PolicyName: "default" })),
          (async () => {
            await Promise.all([iam.send(new GetRoleCommand({ RoleName: customer.roleName })), iam.send(new GetRolePolicyCommand({ RoleName: customer.roleName, PolicyName: INLINE_POLICY }))]);
          })(),
        ]);
      });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };

    await baselineOnce(); // warm-up: connections, moto's first requests
    await auditOnce(true);
    const base: number[] = [];
    const audits: { ms: number; platform: number; aws: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      base.push(await baselineOnce());
      audits.push(await auditOnce(true));
    }
    const listed = await auditOnce(false);
    kms.destroy();
    iam.destroy();

    const a = audits[0]!;
    const auditMs = median(audits.map((x) => x.ms));
    const baseMs = median(base);
    console.log(`bench/audit (${ACCOUNTS} accounts, concurrency ${DEFAULT_CONCURRENCY}, ${ROUNDS} alternating rounds, medians; moto + platform on loopback, Node ${process.version}; setup ${setupMs} ms)`);
    console.log(`calls per account, AWS view, inline policy declared (ByokKey stacks): ${((a.platform + a.aws) / ACCOUNTS).toFixed(2)} (platform ${(a.platform / ACCOUNTS).toFixed(2)}, AWS ${(a.aws / ACCOUNTS).toFixed(2)})  goal ≤ 8`);
    console.log(`calls per account, AWS view, no inline policy declared (ListRolePolicies first): ${((listed.platform + listed.aws) / ACCOUNTS).toFixed(2)}`);
    console.log(`wall time: audit ${auditMs.toFixed(0)} ms, direct SDK reads ${baseMs.toFixed(0)} ms, ratio ${(auditMs / baseMs).toFixed(2)}  goal ≤ 1.3`);
  } finally {
    await running.close();
    restoreEnv();
    await moto.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
