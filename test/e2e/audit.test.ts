// `ekm audit` end to end: two stacks deployed with the real Pulumi CLI (the onboarding program of
// examples/register-existing-key, installed from the npm pack tarball, file backend), the real
// platform (in this process, SQLite + HTTP on loopback) and moto for the customers' KMS keys and
// IAM roles. Then drift made out of band on each side, and the audit's findings asserted exactly.
//
// The audit runs as its own process (`audit/cli.ts` under tsx), reading the stacks through
// `pulumi stack export`, and reaches the platform and moto only through read-only recording
// proxies (test/support/readOnlyProxy.ts) that refuse any write: every scenario goes through them.
// The platform reaches moto through a TCP proxy that the test cuts to make a fallback.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DisableKeyCommand, DisableKeyRotationCommand } from "@aws-sdk/client-kms";
import { IAMClient, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { defaultCustomerKeys, defaultSettings, type PlatformSettings } from "../../platform";
import type { AuditReport } from "../../audit/report/report";
import { reportHash } from "../../audit/report/report";
import type { Finding } from "../../audit/model";
import { MOTO_PLATFORM_PRINCIPAL, provisionCustomer, useAwsEndpoint, type Customer } from "../support/awsCustomer";
import { motoClientConfig, motoEnv, startMoto, type MotoServer } from "../support/moto";
import { exampleProgram, exampleProjectFile } from "../support/byokProject";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { repoRoot } from "../support/process";
import { createUserProject, initStack, pulumiEnv, pulumiOk, type UserProject } from "../support/pulumi";
import { startReadOnlyProxy, type ReadOnlyProxy } from "../support/readOnlyProxy";
import { reportSchemaErrors, sarifSchemaErrors } from "../support/reportSchemas";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy";
import type { PlatformClient } from "../../sdk";

const CLI = path.join(repoRoot, "audit", "cli.ts");

/** A finished audit process. */
interface AuditRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("e2e: ekm audit against deployed stacks (Pulumi CLI, platform, moto, read-only proxies)", function () {
  this.timeout(900_000);
  let moto: MotoServer;
  let kmsLink: TcpProxy;
  let restoreAws: () => void;
  let tp: TestPlatform;
  let platformRO: ReadOnlyProxy;
  let awsRO: ReadOnlyProxy;
  let project: UserProject;
  let scratch: string;

  interface Onboarded {
    accountId: string;
    token: string;
    client: PlatformClient;
    customer: Customer;
    stack: string;
  }
  let A: Onboarded;
  let B: Onboarded;

  /** Runs `ekm audit <args>` with `token`, through the read-only proxies. */
  async function audit(args: readonly string[], token: string, platformUrl = platformRO.url, awsUrl = awsRO.url): Promise<AuditRun> {
    const env = await pulumiEnv(project, { ...motoEnv(awsUrl), EKM_API_TOKEN: token, EKM_PLATFORM_URL: platformUrl });
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--require", "tsx/cjs", CLI, "audit", "--cwd", project.dir, ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }
  const bothStacks = () => ["--stack", A.stack, "--stack", B.stack];
  const jsonOf = (r: AuditRun): AuditReport => {
    expect(r.stderr, r.stderr).to.not.include("ekm audit failed");
    return JSON.parse(r.stdout) as AuditReport;
  };
  /** The findings of one account as [ruleId, severity] pairs, in report order. */
  const rulesOf = (report: AuditReport, accountId: string) => report.findings.filter((f) => f.accountId === accountId).map((f) => [f.ruleId, f.severity]);
  const findingOf = (report: AuditReport, accountId: string, ruleId: string): Finding => {
    const f = report.findings.find((x) => x.accountId === accountId && x.ruleId === ruleId);
    expect(f, `${ruleId} for ${accountId}`).to.not.equal(undefined);
    return f!;
  };

  before(async () => {
    moto = await startMoto();
    kmsLink = await startTcpProxy(moto.port);
    // The platform (in this process) reaches KMS, STS and IAM through the cuttable link.
    restoreAws = useAwsEndpoint(kmsLink.url);
    const settings: PlatformSettings = { ...defaultSettings({}), awsPrincipalArn: MOTO_PLATFORM_PRINCIPAL, inspectTrustPolicy: true };
    tp = await startTestPlatform({ settings, maintenanceIntervalMs: 3_600_000, customerKeys: defaultCustomerKeys(settings, { aws: { timeoutMs: 3_000, maxAttempts: 1 } }) });
    platformRO = await startReadOnlyProxy(tp.url, "platform");
    awsRO = await startReadOnlyProxy(moto.endpoint, "aws");
    scratch = mkdtempSync(path.join(tmpdir(), "ekm-audit-e2e-"));
    project = await createUserProject({ name: "register-existing-key", pulumiYaml: exampleProjectFile("register-existing-key"), indexTs: exampleProgram("register-existing-key") });
    const onboard = async (stack: string): Promise<Onboarded> => {
      const a = await tp.newAccount(stack);
      const trust = await a.client.getTrust(a.accountId);
      const customer = await provisionCustomer(moto.endpoint, { accountId: a.accountId, externalId: trust.aws!.externalId });
      await initStack(project, stack, {
        "ekm:platformUrl": tp.url,
        "ekm:apiToken": { secret: a.token },
        accountId: a.accountId,
        keyArn: customer.keyArn,
        roleArn: customer.roleArn,
        nickname: `${stack} key`,
        activationDate: "2026-01-01",
      });
      await pulumiOk(project, ["up", "--yes"], { stack });
      return { ...a, customer, stack };
    };
    A = await onboard("audit-a");
    B = await onboard("audit-b");
  });
  after(async () => {
    await platformRO?.close();
    await awsRO?.close();
    await tp?.close();
    restoreAws?.();
    await kmsLink?.close();
    await moto?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(function () {
    // Every scenario goes through the proxies: none may have let a write through, or seen one.
    expect(platformRO.violations(), "non-GET requests to the platform").to.deep.equal([]);
    expect(awsRO.violations(), "write actions to AWS").to.deep.equal([]);
  });

  it("the read-only proxies refuse writes (so the other scenarios can trust them)", async () => {
    const patch = await fetch(`${platformRO.url}/v1/accounts/${A.accountId}/key-management/byok`, { method: "PATCH", headers: { authorization: `Bearer ${A.token}`, "content-type": "application/json", "if-match": "*" }, body: '{"nickname":"x"}' });
    expect(patch.status).to.equal(405);
    const kms = new (await import("@aws-sdk/client-kms")).KMSClient(motoClientConfig(awsRO.url));
    const refused = await kms.send(new DisableKeyCommand({ KeyId: A.customer.keyId })).then(
      () => "accepted",
      (e: Error) => e.name,
    );
    kms.destroy();
    expect(refused).to.not.equal("accepted");
    expect(platformRO.violations().map((v) => v.action)).to.deep.equal([`PATCH /v1/accounts/${A.accountId}/key-management/byok`]);
    expect(awsRO.violations().map((v) => v.action)).to.deep.equal(["kms:DisableKey"]);
    expect((await tp.admin.getByok(A.accountId))!.nickname).to.equal("audit-a key");
    platformRO.clear();
    awsRO.clear();
  });

  it("clean: two stacks, the admin token, the AWS view: no finding, exit 0, every read a GET or Describe/Get/List", async () => {
    const r = await audit([...bothStacks(), "--customer-keys", "aws", "--format", "json"], tp.adminToken);
    expect(r.code, r.stderr).to.equal(0);
    const report = jsonOf(r);
    expect(report.findings).to.deep.equal([]);
    expect(report.accounts.map((a) => [a.accountId, a.stacks, a.status, a.effectiveKeySource]).sort()).to.deep.equal(
      [
        [A.accountId, [A.stack], "active", "byok"],
        [B.accountId, [B.stack], "active", "byok"],
      ].sort(),
    );
    expect(reportSchemaErrors(report)).to.deep.equal([]);
    expect(reportHash(report)).to.equal(report.sha256);
    expect(r.stderr).to.include("ekm audit: 2/2 accounts");
    // What it read: three platform calls and six AWS reads per account (no inline policy declared, so ListRolePolicies first).
    const platformCalls = platformRO.requests.map((q) => q.action.replace(/accounts\/[^/]+/, "accounts/{id}"));
    expect(platformCalls.sort()).to.deep.equal(
      ["GET /v1/accounts/{id}/key-management", "GET /v1/accounts/{id}/key-management/events", "GET /v1/accounts/{id}/key-management/trust"].flatMap((c) => [c, c]).sort(),
    );
    expect(awsRO.requests.map((q) => q.action).sort()).to.deep.equal(
      ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus"].flatMap((c) => [c, c]).sort(),
    );
    platformRO.clear();
    awsRO.clear();
  });

  it("fails with exit 1, naming the fix, for another account's token, an unreachable platform and an unreachable AWS", async () => {
    const wrong = await audit([...bothStacks()], A.token);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(new RegExp(`ekm audit failed: account ${B.accountId} is unknown to the platform, or the token is another account's: GET /v1/accounts/${B.accountId}/key-management\\S* \\(request [0-9a-f-]+\\) answered 404; fix: check the stack's accountId, or use the platform admin token`));
    expect(wrong.stderr).to.not.include(A.token);
    const down = await audit(["--stack", A.stack], A.token, "http://127.0.0.1:9");
    expect(down.code).to.equal(1);
    expect(down.stderr).to.include(`ekm audit failed: the platform did not answer for account ${A.accountId}`);
    expect(down.stderr).to.include("fix: check --platform-url (EKM_PLATFORM_URL)");
    const noAws = await audit(["--stack", A.stack, "--customer-keys", "aws"], A.token, platformRO.url, "http://127.0.0.1:9");
    expect(noAws.code).to.equal(1);
    expect(noAws.stderr).to.match(/ekm audit failed: AWS did not answer (kms|iam):\w+ \(/);
    expect(noAws.stderr).to.include("fix: check the network path to AWS (and AWS_ENDPOINT_URL if set), or drop --customer-keys aws");
    platformRO.clear();
    awsRO.clear();
  });

  it("drift on every side: nickname, rotation, trust, disabled key, a KMS outage and its recovery; exact findings, exit 2, SARIF and hash", async () => {
    // A: a KMS outage seen by the platform, then the recovery.
    await kmsLink.cut();
    try {
      expect((await A.client.encryptContent(A.accountId, "during the outage")).keySource).to.equal("platform");
    } finally {
      await kmsLink.restore();
    }
    await new Promise((r) => setTimeout(r, 1_200)); // past the platform's first recheck backoff (1 s)
    expect((await A.client.encryptContent(A.accountId, "after")).keySource).to.equal("byok-aws");
    // A: nickname changed on the platform; rotation disabled and trust edited in moto.
    const current = (await tp.admin.getByok(A.accountId))!;
    await tp.admin.patchByok(A.accountId, { nickname: "renamed out of band" }, { ifMatch: current.etag });
    await A.customer.kms.send(new DisableKeyRotationCommand({ KeyId: A.customer.keyId }));
    const iam = new IAMClient(motoClientConfig(moto.endpoint));
    const trustWithoutId = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: MOTO_PLATFORM_PRINCIPAL }, Action: "sts:AssumeRole" }] };
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: A.customer.roleName, PolicyDocument: JSON.stringify(trustWithoutId) }));
    iam.destroy();
    // B: the key disabled. moto still answers GenerateDataKey for a disabled key, so the platform
    // keeps reporting B active: only the customer-key view sees it, which is what it is for.
    await B.customer.kms.send(new DisableKeyCommand({ KeyId: B.customer.keyId }));
    expect((await tp.admin.getKeyManagement(B.accountId)).byok!.status).to.equal("active");

    const jsonFile = path.join(scratch, "report.json");
    const r = await audit([...bothStacks(), "--customer-keys", "aws", "--format", "sarif", "--json-output", jsonFile, "--since", "1d"], tp.adminToken);
    expect(r.code, r.stderr).to.equal(2);
    const report = JSON.parse(readFileSync(jsonFile, "utf8")) as AuditReport;
    expect(rulesOf(report, A.accountId)).to.deep.equal([
      ["drift.nickname", "low"],
      ["posture.key-rotation-off", "high"],
      ["posture.trust-no-external-id", "critical"],
      ["history.fallback", "high"],
    ]);
    expect(rulesOf(report, B.accountId)).to.deep.equal([["posture.key-disabled", "critical"]]);
    const nick = findingOf(report, A.accountId, "drift.nickname");
    expect(nick).to.deep.include({ declared: "audit-a key", platform: "renamed out of band", stack: A.stack });
    expect(nick.resource.urn).to.match(/^urn:pulumi:audit-a::register-existing-key::pulumi-nodejs:dynamic\/ekm:ByokConfiguration::byok$/);
    expect(findingOf(report, A.accountId, "posture.key-rotation-off")).to.deep.include({ live: { rotationEnabled: false }, resource: { cloudId: A.customer.keyArn } });
    expect(findingOf(report, A.accountId, "posture.key-rotation-off").evidence).to.have.property("kms:DescribeKey").that.is.a("string");
    expect(findingOf(report, A.accountId, "posture.trust-no-external-id")).to.deep.include({ live: { externalIds: [], statements: [null] }, resource: { cloudId: A.customer.roleArn } });
    const outage = findingOf(report, A.accountId, "history.fallback");
    const intervals = (outage.evidence as { intervals: { to: string | null; ms: number; reason: string; seqs: number[] }[] }).intervals;
    expect(intervals).to.have.length(1);
    expect(intervals[0]!.to).to.be.a("string");
    expect(intervals[0]!.seqs).to.have.length(2);
    // The first call the outage stopped: AssumeRole, or GenerateDataKey when the assumed session was still cached.
    expect(intervals[0]!.reason).to.match(/^(sts:AssumeRole|kms:GenerateDataKey)\b/);
    expect(outage.platform).to.deep.include({ fallbacks: 1, stillInFallback: false });
    expect(findingOf(report, B.accountId, "posture.key-disabled")).to.deep.include({ live: { keyState: "Disabled", enabled: false } });
    expect(report.summary).to.deep.include({ total: 5, atOrAboveFailOn: 4 });

    // The JSON validates and its hash recomputes; the SARIF on stdout validates and embeds the same report.
    expect(reportSchemaErrors(report)).to.deep.equal([]);
    expect(reportHash(report)).to.equal(report.sha256);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string }[]; properties: { ekmReportSha256: string; ekmReport: AuditReport } }[] };
    expect(sarifSchemaErrors(sarif)).to.deep.equal([]);
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).to.deep.equal(report.findings.map((f) => f.ruleId));
    expect(sarif.runs[0]!.properties.ekmReportSha256).to.equal(report.sha256);
    // `ekm audit verify` agrees, and catches a changed report.
    const v = await new Promise<AuditRun>((resolve) => {
      const child = spawn(process.execPath, ["--require", "tsx/cjs", CLI, "audit", "verify", jsonFile], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.once("close", (code) => resolve({ code: code ?? -1, stdout: out, stderr: "" }));
    });
    expect(v.code).to.equal(0);
    expect(v.stdout).to.equal(`ok ${jsonFile}: recorded ${report.sha256}, recomputed ${report.sha256}\n`);

    // Without the AWS view only the platform's side is judged: no critical finding there, so --fail-on critical passes.
    const table = await audit([...bothStacks(), "--fail-on", "critical", "--since", "1d"], tp.adminToken);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.include(`sha256 `);
    expect(table.stdout).to.match(/^low {7}drift\.nickname {18}/m);
    const platformOnly = awsRO.requests.length;
    const md = await audit(["--stack", A.stack, "--format", "markdown", "--since", "1d"], A.token);
    expect(md.code, md.stderr).to.equal(2);
    expect(md.stdout).to.include("| low | `drift.nickname` |");
    expect(md.stdout).to.include("| high | `history.fallback` |");
    expect(awsRO.requests.length, "no AWS call without --customer-keys").to.equal(platformOnly);
  });
});
