// What the end-to-end legs share: an example program as a user's project has it, and readers of
// the ByokConfiguration steps of `pulumi preview --json`.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BYOK_CONFIGURATION_TYPE } from "../../dynamic-providers";
import { repoRoot } from "./process";
import { opsOf, type PreviewJson, type PreviewStep, type PulumiResult } from "./pulumi";

/** An example's index.ts as it is: it must import the installed package, as users' programs do. */
export function exampleProgram(example: string): string {
  const source = readFileSync(path.join(repoRoot, "examples", example, "index.ts"), "utf8");
  if (!source.includes('from "pulumi-ekm";')) throw new Error(`examples/${example}/index.ts no longer imports from "pulumi-ekm"; update the end-to-end tests`);
  return source;
}

/**
 * An example's Pulumi.yaml as a standalone project has it: its name and config declarations, with
 * the default TypeScript runtime (the example's own runtime options load the repo's sources with tsx).
 */
export function exampleProjectFile(example: string): string {
  const source = readFileSync(path.join(repoRoot, "examples", example, "Pulumi.yaml"), "utf8");
  const config = /^config:\n(?:[ #].*\n|\n)*/m.exec(source);
  if (!config) throw new Error(`examples/${example}/Pulumi.yaml has no config: section; update the end-to-end tests`);
  return `name: ${example}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n${config[0]}`;
}

/** Every ByokConfiguration step of a preview, as op strings. */
export const byokOps = (p: PreviewJson): string[] => opsOf(p, BYOK_CONFIGURATION_TYPE);

/** The one ByokConfiguration step of a preview that is not a refresh. */
export function byokStep(p: PreviewJson): PreviewStep {
  const steps = (p.steps ?? []).filter((s) => (s.urn.split("::")[2] ?? "").endsWith(BYOK_CONFIGURATION_TYPE) && s.op !== "refresh");
  expect(steps, "exactly one ByokConfiguration step").to.have.length(1);
  return steps[0];
}

/** The input properties whose values differ between a step's old and new state (what `--diff` marks with ~). */
export function changedInputs(step: PreviewStep): string[] {
  const olds = step.oldState?.inputs ?? {};
  const news = step.newState?.inputs ?? {};
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]))
    .sort();
}

/** The signature Pulumi puts on a secret value in a checkpoint (sdk/go/common/resource/sig). */
export const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/** A command and the tail of its output, for assertion messages. */
export const transcriptOf = (r: PulumiResult): string => `pulumi ${r.args.join(" ")} → ${r.code}\n--- stdout ---\n${r.stdout.slice(-5000)}\n--- stderr ---\n${r.stderr.slice(-5000)}`;
