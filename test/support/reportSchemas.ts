// Validators of the audit's outputs: the JSON report against its shipped JSON Schema
// (audit/schema/audit-report.v1.json, draft 2020-12), and SARIF logs against the SARIF 2.1.0
// schema (the OASIS rtm.5 schema, draft-04, as @microsoft/jest-sarif ships it).
import Ajv2020 from "ajv/dist/2020";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./process";

/** The report schema shipped with the audit. */
export const REPORT_SCHEMA_FILE = path.join(repoRoot, "audit", "schema", "audit-report.v1.json");
/** The SARIF 2.1.0 schema file in node_modules. */
export const SARIF_SCHEMA_FILE = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json", { paths: [repoRoot] });

let report: ValidateFunction | undefined;
let sarif: ValidateFunction | undefined;

/** The problems of `doc` against the report schema (empty when valid). */
export function reportSchemaErrors(doc: unknown): string[] {
  if (!report) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    report = ajv.compile(JSON.parse(readFileSync(REPORT_SCHEMA_FILE, "utf8")) as object);
  }
  return report(doc) ? [] : (report.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** The problems of `doc` against the SARIF 2.1.0 schema (empty when valid). */
export function sarifSchemaErrors(doc: unknown): string[] {
  if (!sarif) {
    // The SARIF schema predates strict mode and unicode regular expressions (its language pattern has a stray "]").
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    sarif = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, "utf8")) as object);
  }
  return sarif(doc) ? [] : (sarif.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
