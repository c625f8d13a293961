/**
 * The audit report (the JSON form, schema `audit/schema/audit-report.v1.json`) and its hash.
 *
 * The canonical form of a report is `canonicalJson` (sdk/schemas/canonical.ts: object keys
 * sorted by UTF-16 code unit at every depth, no whitespace, undefined members dropped) of the
 * report without its `sha256` member, encoded as UTF-8. `sha256` is the lowercase hex SHA-256 of
 * those bytes: every output format carries it, and `ekm audit verify <report.json>` recomputes it.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../sdk/schemas/canonical";
import { SEVERITIES, atOrAbove, type Severity } from "../../sdk/contract/posture";
import type { Finding } from "../model";

/** The report format's version; a change that removes or renames a field makes a new major. */
export const REPORT_SCHEMA_VERSION = "1.0.0";
/** The `$schema` every report names: the `$id` of the file shipped in `audit/schema/` (an identifier under the reserved `.example` domain, not a URL to fetch). */
export const REPORT_SCHEMA_ID = "https://pulumi-ekm.example/schemas/audit-report.v1.json";

/** One account's line in the report. */
export interface AccountSummary {
  readonly accountId: string;
  readonly stacks: readonly string[];
  readonly provider: "aws" | "azure" | null;
  readonly mode: string;
  readonly status: string | null;
  readonly effectiveKeySource: string;
  readonly findings: number;
}

/** The JSON report. */
export interface AuditReport {
  readonly $schema: typeof REPORT_SCHEMA_ID;
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: "ekm audit"; readonly version: string };
  readonly generatedAt: string;
  readonly window: { readonly since: string; readonly until: string };
  readonly failOn: Severity;
  /** Which customer-key views ran: `aws`, `azure`, or none. */
  readonly customerKeys: readonly ("aws" | "azure")[];
  readonly accounts: readonly AccountSummary[];
  readonly findings: readonly Finding[];
  readonly summary: { readonly total: number; readonly bySeverity: Readonly<Record<Severity, number>>; readonly atOrAboveFailOn: number };
  /** SHA-256 of the canonical form (see the module comment). */
  readonly sha256: string;
}

/** The report without its hash. */
export type UnsignedReport = Omit<AuditReport, "sha256">;

/** The canonical bytes' SHA-256 of a report (its own `sha256` member ignored). */
export function reportHash(report: UnsignedReport | AuditReport): string {
  const { sha256: _ignored, ...rest } = report as AuditReport;
  void _ignored;
  return createHash("sha256").update(canonicalJson(rest), "utf8").digest("hex");
}

/** The report with its summary and hash. */
export function buildReport(init: Omit<UnsignedReport, "summary" | "$schema" | "schemaVersion">): AuditReport {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, init.findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const unsigned: UnsignedReport = {
    $schema: REPORT_SCHEMA_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...init,
    summary: { total: init.findings.length, bySeverity, atOrAboveFailOn: init.findings.filter((f) => atOrAbove(f.severity, init.failOn)).length },
  };
  // The report is data: round-trip through JSON so what is hashed is exactly what is printed.
  const plain = JSON.parse(JSON.stringify(unsigned)) as UnsignedReport;
  return { ...plain, sha256: reportHash(plain) };
}

/** Verifies a stored JSON report: the recomputed hash, and whether it matches. */
export function verifyReport(report: AuditReport): { readonly expected: string; readonly actual: string; readonly ok: boolean } {
  const actual = reportHash(report);
  return { expected: report.sha256, actual, ok: actual === report.sha256 };
}
