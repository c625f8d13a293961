/**
 * The report's other forms: a terminal table (default), SARIF 2.1.0 and Markdown. Each carries
 * the JSON form's SHA-256; the SARIF log also embeds the JSON report in its run's property bag,
 * so a stored SARIF file can be verified on its own.
 *
 * - SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * - GitHub code scanning's SARIF support (levels, security-severity): https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import type { Log, ReportingDescriptor, Result } from "sarif";
import { RULE_LIST, type Severity } from "../../sdk/contract/posture";
import type { AuditReport } from "./report";

/** The output formats. */
export const FORMATS = ["table", "json", "sarif", "markdown"] as const;
/** An output format. */
export type Format = (typeof FORMATS)[number];

/** SARIF's level for a severity. */
const LEVEL: Record<Severity, Result.level> = { info: "note", low: "note", medium: "warning", high: "error", critical: "error" };
/** GitHub's `security-severity` (0–10) for a severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { info: "0.0", low: "3.0", medium: "5.0", high: "7.5", critical: "9.5" };

/**
 * The file a code-scanning UI shows a finding on: the stack's settings file `Pulumi.<stack>.yaml`
 * in the project (GitHub displays only results with a physical location), or the export file
 * the stack was read from.
 */
export function stackFile(stack: string): string {
  return stack.endsWith(".json") ? stack.replace(/\\/g, "/").replace(/^\.\//, "") : `Pulumi.${stack.split("/").at(-1)}.yaml`;
}

/** The report as a SARIF 2.1.0 log: one rule per catalog entry, one result per finding, the resource's URN as its location. */
export function toSarif(report: AuditReport): Log {
  const rules: ReportingDescriptor[] = RULE_LIST.map((r) => ({
    id: r.id,
    name: r.id.replace(/[.-](\w)/g, (_m, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: { text: r.fix, markdown: `${r.fix}${r.sources.length ? `\n\nMirrors: ${r.sources.map((s) => `[${s.name}](${s.url})`).join(", ")}` : ""}` },
    ...(r.sources[0] ? { helpUri: r.sources[0].url } : {}),
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { category: r.category, severity: r.severity, "security-severity": SECURITY_SEVERITY[r.severity], tags: ["security", "ekm", r.category] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        ...(f.stack ? { physicalLocation: { artifactLocation: { uri: stackFile(f.stack), uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } }, message: { text: `stack ${f.stack}` } } : {}),
        logicalLocations: [{ name: f.resource.cloudId, fullyQualifiedName: f.resource.urn ?? f.resource.cloudId, kind: "resource" }],
      },
    ],
    partialFingerprints: { "ekm/v1": `${f.ruleId}|${f.accountId}|${f.resource.cloudId}` },
    properties: { severity: f.severity, accountId: f.accountId, ...(f.stack ? { stack: f.stack } : {}), declared: f.declared, platform: f.platform, live: f.live, evidence: f.evidence, fix: f.fix },
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "ekm audit", version: report.tool.version, rules } },
        results,
        invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
        properties: { ekmReportSha256: report.sha256, ekmReport: report },
      },
    ],
  };
}

const cell = (v: unknown): string => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** A terminal table: one line per finding, then the summary and the hash. */
export function toTable(report: AuditReport): string {
  const lines = [`${pad("SEVERITY", 9)} ${pad("RULE", 32)} ${pad("ACCOUNT", 22)} MESSAGE`];
  for (const f of report.findings) lines.push(`${pad(f.severity, 9)} ${pad(f.ruleId, 32)} ${pad(f.accountId, 22)} ${f.message}`);
  if (report.findings.length === 0) lines.push("(no findings)");
  lines.push("", summaryLine(report), `sha256 ${report.sha256} (of the JSON form: --format json)`);
  return `${lines.join("\n")}\n`;
}

function summaryLine(report: AuditReport): string {
  const by = Object.entries(report.summary.bySeverity).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  return `${report.accounts.length} account${report.accounts.length === 1 ? "" : "s"}, ${report.summary.total} finding${report.summary.total === 1 ? "" : "s"}${by.length ? ` (${by.join(", ")})` : ""}, ${report.summary.atOrAboveFailOn} at or above ${report.failOn}; window ${report.window.since} – ${report.window.until}`;
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Markdown: a summary, the accounts, then one table row per finding with its fix. */
export function toMarkdown(report: AuditReport): string {
  const out = [`# ekm audit report`, "", summaryLine(report), "", `SHA-256 of the JSON form: \`${report.sha256}\``, "", "| account | stacks | provider | status | key source | findings |", "|---|---|---|---|---|---|"];
  for (const a of report.accounts) out.push(`| ${a.accountId} | ${md(a.stacks.join(", "))} | ${a.provider ?? ""} | ${a.status ?? a.mode} | ${a.effectiveKeySource} | ${a.findings} |`);
  out.push("", "| severity | rule | account | resource | declared | platform | live | fix |", "|---|---|---|---|---|---|---|---|");
  for (const f of report.findings) out.push(`| ${f.severity} | \`${f.ruleId}\` | ${f.accountId} | ${md(f.resource.urn ?? f.resource.cloudId)} | ${md(cell(f.declared))} | ${md(cell(f.platform))} | ${md(cell(f.live))} | ${md(f.fix)} |`);
  return `${out.join("\n")}\n`;
}

/** The report in `format`. */
export function render(report: AuditReport, format: Format): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "sarif":
      return `${JSON.stringify(toSarif(report), null, 2)}\n`;
    case "markdown":
      return toMarkdown(report);
    case "table":
      return toTable(report);
  }
}
