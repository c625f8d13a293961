// schemathesis (a schema-driven API fuzzer from PyPI) as the contract's outside judge: installed by
// scripts/bootstrap/schemathesis.sh into .venv/schemathesis (or SCHEMATHESIS_VENV), run as a child
// process against a real platform on loopback, its JUnit report read into counts per failure code.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot, runBootstrap } from "./process";

let stBin: Promise<string> | undefined;

/** Path of the `st` command, running the (idempotent) bootstrap once per process. */
export function schemathesisPath(): Promise<string> {
  stBin ??= runBootstrap(path.join(repoRoot, "scripts", "bootstrap", "schemathesis.sh")).catch((err) => {
    stBin = undefined;
    throw err;
  });
  return stBin;
}

/** What one schemathesis run found. */
export interface FuzzCounts {
  /** Test cases generated and sent. */
  readonly generated: number;
  /** 5xx answers (ST101, ST102). */
  readonly serverErrors: number;
  /** Answers the document does not describe: status, content type, headers or body (ST103–ST111). */
  readonly nonConforming: number;
  /** Requests valid by the document that the platform rejected (ST202). */
  readonly rejectedValid: number;
  /** Every failure, by schemathesis code (e.g. `ST201`), and runtime errors as `error`. */
  readonly byCode: Readonly<Record<string, number>>;
  /** The exit code of `st run`. */
  readonly exitCode: number;
  /** The tail of its output, for a failing assertion. */
  readonly output: string;
}

/** Options of one run. */
export interface FuzzOptions {
  readonly document: string;
  readonly baseUrl: string;
  readonly token: string;
  /** The TOML config (parameters, per-operation check settings). */
  readonly config: string;
  readonly maxExamples: number;
  readonly maxTimeSeconds: number;
  readonly seed: number;
}

/** Runs `st run` once and counts what it found. */
export async function runSchemathesis(o: FuzzOptions): Promise<FuzzCounts> {
  const st = await schemathesisPath();
  const dir = mkdtempSync(path.join(tmpdir(), "ekm-st-"));
  try {
    const config = path.join(dir, "schemathesis.toml");
    writeFileSync(config, o.config);
    // One worker: Python 3.11's ast module is not thread-safe, and hypothesis parses lambdas with it.
    const args = ["--config-file", config, "--no-color", "run", o.document, "--url", o.baseUrl, "-H", `Authorization: Bearer ${o.token}`, "--checks", "all",
      "--phases", "examples,coverage,fuzzing", "--max-examples", String(o.maxExamples), "--max-time", String(o.maxTimeSeconds), "--workers", "1", "--seed", String(o.seed),
      "--generation-database", "none", "--report", "junit", "--report-dir", dir];
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      const child = spawn(st, args, { cwd: dir, env: { ...process.env, PYTHONUNBUFFERED: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      const keep = (d: Buffer) => (out = (out + d.toString("utf8")).slice(-40_000));
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      child.once("error", reject);
      child.once("close", (c) => resolve({ code: c ?? -1, output: out }));
    });
    const report = readdirSync(dir).find((f) => f.startsWith("junit") && f.endsWith(".xml"));
    if (!report) throw new Error(`schemathesis wrote no JUnit report (exit ${code}):\n${output.slice(-4000)}`);
    return countFailures(readFileSync(path.join(dir, report), "utf8"), output, code);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts the failure codes of a JUnit report (`- ST202 …` lines), and the generated cases from the summary. */
export function countFailures(junit: string, output: string, exitCode: number): FuzzCounts {
  const byCode: Record<string, number> = {};
  for (const m of junit.matchAll(/^- (ST\d{3}) /gm)) byCode[m[1]] = (byCode[m[1]] ?? 0) + 1;
  const errors = (junit.match(/<error\b/g) ?? []).length;
  if (errors > 0) byCode.error = errors;
  const sum = (codes: (c: number) => boolean) => Object.entries(byCode).filter(([k]) => k.startsWith("ST") && codes(Number(k.slice(2)))).reduce((n, [, v]) => n + v, 0);
  const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
  return {
    generated,
    serverErrors: sum((c) => c === 101 || c === 102),
    nonConforming: sum((c) => c >= 103 && c <= 111),
    rejectedValid: sum((c) => c === 202),
    byCode,
    exitCode,
    output: output.slice(-6000),
  };
}
