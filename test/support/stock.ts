// Stock projects: what a new user makes with `pulumi new aws-typescript` (or azure-typescript)
// and `npm install pulumi-ekm`, built from this package's `npm pack` tarball.
//
// - Two legs: Node 24 with the newest @pulumi/pulumi and provider packages (the repository's
//   devDependencies), and Node 22 with the floors of the peer ranges: what the peer ranges claim.
// - Two clouds: a project installs only @pulumi/aws, or only @pulumi/azure-native.
// - Each (leg, cloud) is installed once per process (test/support/pulumi.ts packs the tarball
//   once and every install shares npm's cache); the resolution modes only switch tsconfig files.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./process";
import { exec, installTarballProject, PULUMI_TEMPLATE_TSCONFIG, REPO_PACKAGE, type TarballInstall } from "./pulumi";

/** TypeScript 6, for the resolution modes it recommends (the newest @pulumi/pulumi accepts TypeScript < 7). */
export const TYPESCRIPT_6 = "6.0.3";
/** What Pulumi's unit-testing guide installs to run mocha on TypeScript: https://www.pulumi.com/docs/iac/guides/testing/unit/ */
export const TS_NODE = "10.9.2";

/** A Node version and the package versions tested on it. */
export interface Leg {
  readonly name: string;
  readonly nodeMajor: 22 | 24;
  /** @pulumi/pulumi, @pulumi/aws, @pulumi/azure-native versions. */
  readonly versions: Readonly<Record<string, string>>;
  /** The @types/node range matching the Node version. */
  readonly typesNode: string;
}

/** The lowest version a `>=X <Y` peer range admits. */
export function floorOf(name: string): string {
  const range = REPO_PACKAGE.peerDependencies[name];
  const m = /^>=(\d+\.\d+\.\d+) <\d+$/.exec(range ?? "");
  if (!m) throw new Error(`package.json peerDependencies["${name}"] is ${JSON.stringify(range)}; the stock tests expect ">=X.Y.Z <N"`);
  return m[1]!;
}

const PROVIDERS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/azure-native"] as const;

export const LEGS: readonly Leg[] = [
  { name: "Node 24, newest", nodeMajor: 24, versions: Object.fromEntries(PROVIDERS.map((p) => [p, REPO_PACKAGE.devDependencies[p]!])), typesNode: REPO_PACKAGE.devDependencies["@types/node"]! },
  { name: "Node 22, peer floors", nodeMajor: 22, versions: Object.fromEntries(PROVIDERS.map((p) => [p, floorOf(p)])), typesNode: "^22" },
];

/** A cloud and the example whose program and mocks test a stock project copies. */
export interface Cloud {
  readonly name: "aws" | "azure";
  readonly providerPackage: "@pulumi/aws" | "@pulumi/azure-native";
  /** The folder under examples/ with index.ts and index.test.ts. */
  readonly example: string;
}

export const CLOUDS: readonly Cloud[] = [
  { name: "aws", providerPackage: "@pulumi/aws", example: "testing-with-mocks" },
  { name: "azure", providerPackage: "@pulumi/azure-native", example: "azure-byok" },
];

/** A TypeScript setup: the compiler package and the compiler options that differ from the template's. */
export interface ResolutionMode {
  /** Names the mode's config file, `tsconfig.<id>.json`. */
  readonly id: string;
  readonly name: string;
  /** Which installed TypeScript compiles: the `typescript` package (5.9) or `typescript6`. */
  readonly compiler: "typescript" | "typescript6";
  readonly compilerOptions: Readonly<Record<string, string | readonly string[]>>;
}

const TS6_TYPES = ["node", "mocha"] as const;

/**
 * Pulumi's template as it is (moduleResolution node, deprecated by TypeScript 6 with TS5107, so
 * with 5.9), and the modes TypeScript 6 recommends. None sets skipLibCheck or esModuleInterop.
 * TypeScript 6 no longer includes every installed @types package by default, so its projects
 * list theirs in `types`, as the TypeScript 6 release notes tell users to.
 */
export const MODES: readonly ResolutionMode[] = [
  { id: "node", name: "moduleResolution node (Pulumi's template, TypeScript 5.9)", compiler: "typescript", compilerOptions: {} },
  { id: "node16", name: "node16 (TypeScript 6)", compiler: "typescript6", compilerOptions: { module: "node16", moduleResolution: "node16", types: TS6_TYPES } },
  { id: "nodenext", name: "nodenext (TypeScript 6)", compiler: "typescript6", compilerOptions: { module: "nodenext", moduleResolution: "nodenext", types: TS6_TYPES } },
  { id: "bundler", name: "bundler (TypeScript 6)", compiler: "typescript6", compilerOptions: { module: "esnext", moduleResolution: "bundler", types: TS6_TYPES } },
];

/** The config file of a mode inside a stock project. */
export const tsconfigOf = (mode: ResolutionMode): string => `tsconfig.${mode.id}.json`;

const nodes = new Map<number, string>();

/** The `node` executable of a major version: the one on PATH when it is that version, else the bootstrap's (scripts/bootstrap/node.sh). */
export function nodeOf(major: 22 | 24): string {
  let node = nodes.get(major);
  if (!node) {
    const printed = execFileSync("bash", [path.join(repoRoot, "scripts", "bootstrap", "node.sh")], { cwd: repoRoot, env: { ...process.env, EKM_NODE_MAJOR: String(major) }, encoding: "utf8" });
    const bin = printed.trim().split("\n").pop()?.trim();
    node = bin ? path.join(bin, "node") : execFileSync("bash", ["-c", "command -v node"], { encoding: "utf8" }).trim();
    const version = execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
    if (!version.startsWith(`${major}.`)) throw new Error(`scripts/bootstrap/node.sh gave ${node}, which is Node ${version}, not ${major}`);
    nodes.set(major, node);
  }
  return node;
}

/** An installed stock project. */
export interface StockProject extends TarballInstall {
  readonly leg: Leg;
  readonly cloud: Cloud;
  /** The project's Node executable. */
  readonly node: string;
}

/** The package.json of a stock project: the template's dependencies plus pulumi-ekm, and what the unit-testing guide adds. */
export function stockManifest(leg: Leg, cloud: Cloud): Record<string, unknown> {
  const dev = REPO_PACKAGE.devDependencies;
  return {
    name: `stock-${cloud.name}-node${leg.nodeMajor}`,
    main: "index.ts",
    private: true,
    dependencies: {
      "@pulumi/pulumi": leg.versions["@pulumi/pulumi"],
      [cloud.providerPackage]: leg.versions[cloud.providerPackage],
      [REPO_PACKAGE.name]: "file:./pulumi-ekm.tgz",
    },
    devDependencies: {
      "@types/node": leg.typesNode,
      typescript: dev.typescript,
      typescript6: `npm:typescript@${TYPESCRIPT_6}`,
      mocha: dev.mocha,
      "@types/mocha": dev["@types/mocha"],
      chai: dev.chai,
      "@types/chai": dev["@types/chai"],
      "ts-node": TS_NODE,
    },
  };
}

const projects = new Map<string, Promise<StockProject>>();

/** The stock project of a leg and a cloud, installed (with that leg's Node running npm) once per process. */
export function stockProject(leg: Leg, cloud: Cloud): Promise<StockProject> {
  const key = `${leg.nodeMajor}/${cloud.name}`;
  let project = projects.get(key);
  if (!project) {
    project = (async () => {
      const node = nodeOf(leg.nodeMajor);
      const install = await installTarballProject(stockManifest(leg, cloud), { pathPrefix: path.dirname(node) });
      const example = path.join(repoRoot, "examples", cloud.example);
      for (const file of ["index.ts", "index.test.ts"]) fs.copyFileSync(path.join(example, file), path.join(install.root, file));
      fs.writeFileSync(path.join(install.root, "Pulumi.yaml"), `name: ${cloud.example}\nruntime: nodejs\ndescription: stock ${cloud.name} project\n`);
      fs.writeFileSync(path.join(install.root, "tsconfig.json"), JSON.stringify(PULUMI_TEMPLATE_TSCONFIG, null, 4));
      for (const mode of MODES) {
        const config = { compilerOptions: { ...PULUMI_TEMPLATE_TSCONFIG.compilerOptions, ...mode.compilerOptions, pretty: false } };
        fs.writeFileSync(path.join(install.root, tsconfigOf(mode)), JSON.stringify(config, null, 4));
      }
      return { ...install, leg, cloud, node };
    })();
    project.catch(() => projects.delete(key));
    projects.set(key, project);
  }
  return project;
}

/** `tsc --noEmit -p <mode's tsconfig>` in the project, with its Node; resolves with the output (empty when clean), rejects with it otherwise. */
export async function typecheck(project: StockProject, mode: ResolutionMode): Promise<string> {
  const tsc = path.join(project.root, "node_modules", mode.compiler, "bin", "tsc");
  const { stdout, stderr } = await exec(project.node, [tsc, "--noEmit", "-p", tsconfigOf(mode)], { cwd: project.root, timeoutMs: 300_000 });
  return stdout + stderr;
}

/** The project's mocha test, the way Pulumi's unit-testing guide runs it (`mocha -r ts-node/register`), with its Node. */
export async function runMocha(project: StockProject): Promise<{ stdout: string; stderr: string; code: number }> {
  const mocha = path.join(project.root, "node_modules", "mocha", "bin", "mocha.js");
  try {
    const out = await exec(project.node, [mocha, "-r", "ts-node/register", "--timeout", "20000", "index.test.ts"], { cwd: project.root, timeoutMs: 300_000 });
    return { ...out, code: 0 };
  } catch (error) {
    return { stdout: (error as Error).message, stderr: "", code: 1 };
  }
}
