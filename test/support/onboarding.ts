// The onboarding program users copy (examples/register-existing-key), as an end-to-end project
// runs it: its index.ts importing the installed "pulumi-ekm", and the config declarations of its
// Pulumi.yaml with the default TypeScript runtime (the example's own runtime options load the
// repository's sources with tsx).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./process";

/** The example's index.ts, as it is: it imports the installed package. */
export function onboardingProgram(): string {
  const source = readFileSync(path.join(repoRoot, "examples", "register-existing-key", "index.ts"), "utf8");
  if (!source.includes('from "pulumi-ekm";')) throw new Error('examples/register-existing-key/index.ts no longer imports from "pulumi-ekm"; update test/support/onboarding.ts');
  return source;
}

/** The example's Pulumi.yaml as a standalone project has it. */
export function onboardingProjectFile(): string {
  const source = readFileSync(path.join(repoRoot, "examples", "register-existing-key", "Pulumi.yaml"), "utf8");
  const config = /^config:\n(?:[ #].*\n|\n)*/m.exec(source);
  if (!config) throw new Error("examples/register-existing-key/Pulumi.yaml has no config: section; update test/support/onboarding.ts");
  return `name: register-existing-key\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n${config[0]}`;
}
