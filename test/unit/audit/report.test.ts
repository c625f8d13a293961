// The report's forms: JSON valid against the shipped schema, SARIF valid against SARIF 2.1.0,
// the hash recomputed from the canonical form, and a changed report caught by `verify`.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { main } from "../../../audit/cli";
import type { AccountEvidence } from "../../../audit/model";
import { render, stackFile, toSarif } from "../../../audit/report/formats";
import { buildReport, verifyReport, type AuditReport } from "../../../audit/report/report";
import { judge } from "../../../audit/rules";
import { RULE_LIST, canonicalJson } from "../../../sdk";
import { REPORT_SCHEMA_FILE, reportSchemaErrors, sarifSchemaErrors } from "../../support/reportSchemas";
import { NOW, SINCE, awsLive, evidence, platformState } from "./fixtures";

/** A report with findings of several rules: nickname drift, rotation off, a fallback. */
function sampleReport(): AuditReport {
  const live = awsLive();
  const base = evidence();
  const ev: AccountEvidence = {
    ...base,
    platform: { ...base.platform, state: platformState({ nickname: "renamed" }), events: [{ seq: 9, accountId: base.accountId, type: "byok.fallback", at: "2026-11-29T00:00:00.000Z", data: { reason: "kms:GenerateDataKey: timeout" } }, { seq: 10, accountId: base.accountId, type: "byok.recovered", at: "2026-11-29T00:05:00.000Z", data: {} }] },
    live: { ...live, key: { ...live.key!, rotationEnabled: false, rotationPeriodDays: undefined } },
  };
  const findings = judge(ev);
  return buildReport({ tool: { name: "ekm audit", version: "0.1.0" }, generatedAt: NOW, window: { since: SINCE, until: NOW }, failOn: "high", customerKeys: ["aws"], accounts: [{ accountId: ev.accountId, stacks: ["prod"], provider: "aws", mode: "byok", status: "active", effectiveKeySource: "byok", findings: findings.length }], findings });
}

describe("audit report formats", () => {
  it("lists every catalog rule id in the shipped schema's ruleId enum", () => {
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_FILE, "utf8")) as { $defs: { finding: { properties: { ruleId: { enum: string[] } } } } };
    expect(schema.$defs.finding.properties.ruleId.enum).to.deep.equal(RULE_LIST.map((r) => r.id));
  });

  it("writes JSON that validates against its schema, with a hash of its canonical form", () => {
    const report = sampleReport();
    expect(report.findings.map((f) => f.ruleId)).to.deep.equal(["drift.nickname", "drift.live", "posture.key-rotation-off", "history.fallback"]);
    expect(report.summary).to.deep.equal({ total: 4, bySeverity: { info: 0, low: 1, medium: 1, high: 2, critical: 0 }, atOrAboveFailOn: 2 });
    const parsed = JSON.parse(render(report, "json")) as AuditReport;
    expect(reportSchemaErrors(parsed)).to.deep.equal([]);
    const { sha256, ...rest } = parsed;
    expect(createHash("sha256").update(canonicalJson(rest)).digest("hex")).to.equal(sha256);
    expect(verifyReport(parsed).ok).to.equal(true);
    expect(verifyReport({ ...parsed, failOn: "critical" }).ok).to.equal(false);
    expect(reportSchemaErrors({ ...parsed, findings: [{ ...parsed.findings[0], ruleId: "posture.made-up" }] })).to.have.length.greaterThan(0);
  });

  it("writes SARIF 2.1.0 that validates against the SARIF schema and embeds the verifiable report", () => {
    const report = sampleReport();
    const sarif = toSarif(report);
    expect(sarifSchemaErrors(sarif)).to.deep.equal([]);
    expect(sarif.runs[0]!.results!.map((r) => [r.ruleId, r.level])).to.deep.equal([["drift.nickname", "note"], ["drift.live", "warning"], ["posture.key-rotation-off", "error"], ["history.fallback", "error"]]);
    expect(sarif.runs[0]!.tool.driver.rules!.map((r) => r.id)).to.deep.equal(RULE_LIST.map((r) => r.id));
    // Code scanning shows a result on a file: the stack's settings file; the resource is the logical location.
    expect(sarif.runs[0]!.results![0]!.locations![0]).to.deep.include({ physicalLocation: { artifactLocation: { uri: "Pulumi.prod.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } } });
    expect(stackFile("exports/prod.json")).to.equal("exports/prod.json");
    expect(stackFile("acme/billing/prod")).to.equal("Pulumi.prod.yaml");
    const embedded = sarif.runs[0]!.properties!.ekmReport as AuditReport;
    expect(verifyReport(embedded)).to.deep.include({ ok: true, actual: report.sha256 });
    expect(sarifSchemaErrors({ version: "2.1.0", runs: [{ tool: {} }] })).to.have.length.greaterThan(0);
  });

  it("prints the hash in the table and in Markdown", () => {
    const report = sampleReport();
    expect(render(report, "table")).to.include(`sha256 ${report.sha256}`);
    expect(render(report, "markdown")).to.include(`SHA-256 of the JSON form: \`${report.sha256}\``);
    expect(render(report, "markdown")).to.include("| low | `drift.nickname` |");
  });

  it("exits 1 naming the fix when it cannot run, without a token on argv", async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (s: string) => void err.push(s), env: {} };
    expect(await main(["audit", "--stack-file", "x.json"], io)).to.equal(1);
    expect(err.join("")).to.include("ekm audit failed: no platform URL; fix: pass --platform-url or set EKM_PLATFORM_URL");
    const out: string[] = [];
    expect(await main(["audit", "--help"], { ...io, stdout: (s: string) => void out.push(s) })).to.equal(0);
    expect(out.join("")).to.match(/^usage: ekm audit /);
    err.length = 0;
    expect(await main(["audit", "--fail-on", "severe"], { ...io, env: { EKM_PLATFORM_URL: "http://127.0.0.1:1", EKM_API_TOKEN: "t" } })).to.equal(1);
    expect(err.join("")).to.include('--fail-on must be one of info, low, medium, high, critical; received "severe"');
    err.length = 0;
    expect(await main(["audit", "--stack-file", "x.json", "--since", "last week"], { ...io, env: { EKM_PLATFORM_URL: "http://127.0.0.1:1", EKM_API_TOKEN: "t" } })).to.equal(1);
    expect(err.join("")).to.include('--since must be a duration such as 30d, 12h or 90m, or an ISO-8601 date; received "last week"');
  });
});
