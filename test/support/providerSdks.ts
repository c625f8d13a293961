// The SDKs generated from the provider's package schema (provider-sdks/<language>), for the
// tests that install, build and regenerate them: where they are, the Python venv and the Go
// toolchain they are tested with, and the counts read from each language's test runner.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, runBootstrap } from "./process";

/** provider-sdks/: one folder per language, written by scripts/gen-provider-sdks.sh. */
export const PROVIDER_SDKS = path.join(repoRoot, "provider-sdks");
/** The languages whose SDKs are generated and committed. */
export const SDK_LANGUAGES = ["python", "go", "dotnet"] as const;
/** The Go module path of the generated Go SDK (provider-sdks/go/go.mod). */
export const GO_SDK_MODULE = "github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go";
/** The language-specific tests of the SDKs (a unittest module, a Go test module). */
export const SDK_TESTS = path.join(repoRoot, "test", "integration", "provider-sdks");

let venvPython: Promise<string> | undefined;

/** The python of .venv/python-sdk (`pulumi` from PyPI and setuptools); bootstraps once per process. */
export function pythonSdkPython(): Promise<string> {
  venvPython ??= runBootstrap(path.join(repoRoot, "scripts", "bootstrap", "python-sdk.sh"));
  venvPython.catch(() => (venvPython = undefined));
  return venvPython;
}

/** `go` on PATH, else the default install location (as the bootstrap scripts look for it). */
export function goBinary(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "go");
    if (dir && fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  if (fs.existsSync("/usr/local/go/bin/go")) return "/usr/local/go/bin/go";
  throw new Error("go is not installed: the Go SDK test needs it (https://go.dev/doc/install)");
}

/** The names of the test functions a file declares (`def test_…` or `func TestXxx(`). */
export function declaredTests(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const pattern = file.endsWith(".py") ? /^\s*def (test_\w+)\(/gm : /^func (Test\w+)\(t \*testing\.T\)/gm;
  return [...text.matchAll(pattern)].map((m) => m[1]);
}

/** What a test runner reported: the tests that passed and those that did not. */
export interface RunnerCounts {
  passed: string[];
  failed: string[];
}

/** Reads `python -m unittest -v` output: `test_x (module.Class.test_x) ... ok`. */
export function unittestCounts(output: string): RunnerCounts {
  const counts: RunnerCounts = { passed: [], failed: [] };
  for (const m of output.matchAll(/^(test_\w+) \(.*?\)\s*\.\.\.\s*(\w+)/gm)) {
    (m[2] === "ok" ? counts.passed : counts.failed).push(m[1]);
  }
  return counts;
}

/** Reads `go test -v` output: `--- PASS: TestX (0.00s)`. */
export function goTestCounts(output: string): RunnerCounts {
  const counts: RunnerCounts = { passed: [], failed: [] };
  for (const m of output.matchAll(/^--- (PASS|FAIL|SKIP): (Test\w+)/gm)) {
    (m[1] === "PASS" ? counts.passed : counts.failed).push(m[2]);
  }
  return counts;
}

/** Every file under `dir`, as paths relative to it with `/`, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk("");
  return out.sort();
}

/** The files that differ between two trees (missing on one side or with other bytes). */
export function treeDifferences(expected: string, actual: string): string[] {
  const a = new Set(filesUnder(expected));
  const b = new Set(filesUnder(actual));
  const differences: string[] = [];
  for (const file of [...new Set([...a, ...b])].sort()) {
    if (!a.has(file)) differences.push(`${file}: generated, not committed`);
    else if (!b.has(file)) differences.push(`${file}: committed, no longer generated`);
    else if (!fs.readFileSync(path.join(expected, file)).equals(fs.readFileSync(path.join(actual, file)))) differences.push(`${file}: content differs`);
  }
  return differences;
}
