/**
 * `ekm audit`: the command auditors run in CI.
 *
 *   ekm audit [--stack NAME]... [--cwd DIR] [--stack-file FILE]... [--platform-url URL]
 *             [--since 30d|ISO-8601] [--customer-keys aws,azure|none] [--format table|json|sarif|markdown]
 *             [--output FILE] [--json-output FILE] [--fail-on info|low|medium|high|critical] [--concurrency N]
 *   ekm audit verify REPORT.json
 *
 * The token comes from EKM_API_TOKEN only (an argument would show in `ps` and shell history).
 * Exit codes: 0 no finding at or above --fail-on; 2 findings at or above it; 1 the audit failed.
 * The report goes to stdout (or --output), progress and errors to stderr.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SEVERITIES, type Severity } from "../sdk/contract/posture";
import { declaredFromExport } from "./declared";
import { AuditError } from "./errors";
import { FORMATS, render, type Format } from "./report/formats";
import { verifyReport, type AuditReport } from "./report/report";
import { DEFAULT_CONCURRENCY, runAudit } from "./run";

/** Exit codes, as Steampipe and `terraform plan -detailed-exitcode` use them. */
export const EXIT = { clean: 0, failed: 1, findings: 2 } as const;

/** Where the CLI writes; the tests pass their own. */
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const USAGE =
  "usage: ekm audit [--stack NAME]... [--cwd DIR] [--stack-file FILE]... [--platform-url URL] [--since 30d|ISO-8601] [--customer-keys aws,azure|none] " +
  "[--format table|json|sarif|markdown] [--output FILE] [--json-output FILE] [--fail-on info|low|medium|high|critical] [--concurrency N]\n" +
  "       ekm audit verify REPORT.json   (exit 0 when the recorded sha256 matches, 2 when it does not)\n" +
  "env: EKM_API_TOKEN (an account token, or the platform admin token for many accounts), EKM_PLATFORM_URL; AWS and Azure credentials from their SDKs' default chains";

/** `30d`, `12h`, `90m` or an ISO-8601 date/time, as an ISO timestamp relative to `now`. */
export function parseSince(value: string, now: Date): string {
  const m = /^(\d+)([dhm])$/.exec(value);
  if (m) return new Date(now.getTime() - Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as "d" | "h" | "m"]).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new AuditError(`--since must be a duration such as 30d, 12h or 90m, or an ISO-8601 date; received ${JSON.stringify(value)}`, "pass e.g. --since 30d or --since 2026-11-01");
  return new Date(t).toISOString();
}

/** `pulumi stack export --stack NAME` in `cwd`, parsed. */
function exportStack(name: string, cwd: string | undefined, env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", ["stack", "export", "--stack", name], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.once("error", (e) => reject(new AuditError(`could not run \`pulumi stack export --stack ${name}\`: ${e.message}`, "install the Pulumi CLI and put it on PATH, or pass --stack-file with an export")));
    child.once("close", (code) => {
      if (code !== 0) return reject(new AuditError(`\`pulumi stack export --stack ${name}\` exited with ${code}: ${err.trim().split("\n").slice(-3).join(" ")}`, "run it from the project's directory (--cwd) after `pulumi login`, or pass --stack-file"));
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new AuditError(`\`pulumi stack export --stack ${name}\` printed no JSON document`, "check the Pulumi CLI version (3.x) and rerun"));
      }
    });
  });
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new AuditError(`cannot read ${file}: ${(e as Error).message}`, "check the path");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AuditError(`${file} is not JSON`, "pass the file `pulumi stack export --file` or `ekm audit --format json` wrote");
  }
}

/** `ekm audit verify FILE`: recomputes a stored report's hash (a JSON report, or a SARIF log that embeds one). */
function verify(file: string, io: CliIo): number {
  const doc = readJsonFile(file) as AuditReport & { runs?: { properties?: { ekmReport?: AuditReport } }[] };
  const report = doc.runs?.[0]?.properties?.ekmReport ?? doc;
  if (typeof report.sha256 !== "string") throw new AuditError(`${file} carries no sha256`, "pass a report written by `ekm audit --format json` (or sarif)");
  const r = verifyReport(report);
  io.stdout(`${r.ok ? "ok" : "MISMATCH"} ${file}: recorded ${r.expected}, recomputed ${r.actual}\n`);
  return r.ok ? EXIT.clean : EXIT.findings;
}

/** Runs the CLI with `argv` (after `ekm`); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === "--help" || (argv[0] === "audit" && argv.includes("--help"))) {
      io.stdout(`${USAGE}\n`);
      return EXIT.clean;
    }
    if (argv[0] !== "audit") throw new AuditError(`unknown command ${JSON.stringify(argv[0] ?? "")}`, `run \`ekm audit\`\n${USAGE}`);
    if (argv[1] === "verify") {
      if (!argv[2]) throw new AuditError("ekm audit verify needs a report file", USAGE);
      return verify(argv[2], io);
    }
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv.slice(1)],
        options: {
          stack: { type: "string", multiple: true, default: [] },
          "stack-file": { type: "string", multiple: true, default: [] },
          cwd: { type: "string" },
          "platform-url": { type: "string" },
          since: { type: "string", default: "30d" },
          "customer-keys": { type: "string", default: "none" },
          format: { type: "string", default: "table" },
          output: { type: "string" },
          "json-output": { type: "string" },
          "fail-on": { type: "string", default: "high" },
          concurrency: { type: "string", default: String(DEFAULT_CONCURRENCY) },
        },
        strict: true,
      }));
    } catch (e) {
      throw new AuditError((e as Error).message, USAGE);
    }
    const format = values.format as Format;
    if (!FORMATS.includes(format)) throw new AuditError(`--format must be one of ${FORMATS.join(", ")}; received ${JSON.stringify(values.format)}`, "pass --format json, for instance");
    const failOn = values["fail-on"] as Severity;
    if (!SEVERITIES.includes(failOn)) throw new AuditError(`--fail-on must be one of ${SEVERITIES.join(", ")}; received ${JSON.stringify(values["fail-on"])}`, "pass --fail-on high (the default)");
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new AuditError(`--concurrency must be an integer from 1 to 256; received ${JSON.stringify(values.concurrency)}`, `omit it for ${DEFAULT_CONCURRENCY}`);
    const keys = values["customer-keys"] === "none" ? [] : values["customer-keys"].split(",").map((s) => s.trim());
    for (const k of keys) if (k !== "aws" && k !== "azure") throw new AuditError(`--customer-keys takes aws, azure, both (aws,azure) or none; received ${JSON.stringify(values["customer-keys"])}`, "pass --customer-keys aws");
    const platformUrl = values["platform-url"] ?? io.env.EKM_PLATFORM_URL;
    if (!platformUrl) throw new AuditError("no platform URL", "pass --platform-url or set EKM_PLATFORM_URL");
    const token = io.env.EKM_API_TOKEN;
    if (!token) throw new AuditError("no platform token in EKM_API_TOKEN", "set EKM_API_TOKEN to the account's API token, or to the platform admin token to audit many accounts");
    if (values.stack.length + values["stack-file"].length === 0) throw new AuditError("no stack to audit", "pass --stack NAME (read with `pulumi stack export`) or --stack-file FILE");

    const started = new Date();
    const since = parseSince(values.since, started);
    const declared = [];
    for (const file of values["stack-file"]) declared.push(...declaredFromExport(readJsonFile(file), file));
    for (const name of values.stack) declared.push(...declaredFromExport(await exportStack(name, values.cwd, io.env), name));
    if (declared.length === 0) throw new AuditError("the stacks declare no ByokConfiguration", "pass the stacks that register BYOK keys");

    const report = await runAudit({
      platformUrl,
      token,
      declared,
      since,
      failOn,
      customerKeys: keys as ("aws" | "azure")[],
      concurrency,
      now: () => started,
      progress: (done, total) => io.stderr(`ekm audit: ${done}/${total} accounts\n`),
    });
    const text = render(report, format);
    if (values.output) writeFileSync(values.output, text);
    else io.stdout(text);
    if (values["json-output"]) writeFileSync(values["json-output"], render(report, "json"));
    io.stderr(`ekm audit: ${report.summary.total} findings, ${report.summary.atOrAboveFailOn} at or above ${failOn}; sha256 ${report.sha256}\n`);
    return report.summary.atOrAboveFailOn > 0 ? EXIT.findings : EXIT.clean;
  } catch (err) {
    if (err instanceof AuditError) {
      io.stderr(`ekm audit failed: ${err.message}\n`);
      return EXIT.failed;
    }
    io.stderr(`ekm audit failed: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}

/** Runs the CLI on this process's argv, stdout, stderr and environment, and sets its exit code. */
export function run(): void {
  void main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
