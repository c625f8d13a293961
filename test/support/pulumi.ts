// The real Pulumi CLI for end-to-end tests and benchmarks, driven the way a user drives it:
// a temporary project that installs this package's `npm pack` tarball, a file:// backend, and
// the CLI built from Go modules (scripts/bootstrap/pulumi-cli.sh), all offline.
//
// - `pulumiBinDir()` runs the bootstrap once per process.
// - `packTarball()` compiles the package into a staging folder (not the shared dist/, which other
//   runs may be reading) and packs it once per process, exactly as `npm pack` would from the repo.
// - `createUserProject()` writes a project whose package.json depends on the tarball; the
//   `npm install` runs once per process into one shared root and every project is a folder under
//   it, so Node (and the `pulumi-resource-pulumi-nodejs` launcher) resolve that root's node_modules.
// - `runPulumi()` runs one command with the offline environment, the project's own PULUMI_HOME
//   and backend, and keeps its output in the project's transcript (for token scans).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot, runBootstrap } from "./process";

/** The repository's package.json, as far as the tests read it. */
export const REPO_PACKAGE = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
  files: string[];
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The Pulumi SDK the user project installs: the newest, the one this repository develops on. */
export const PULUMI_SDK_VERSION = REPO_PACKAGE.devDependencies["@pulumi/pulumi"];

/** A finished CLI command. */
export interface PulumiResult {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the command, in ms. */
  readonly ms: number;
}

/** How long the process spent on each expensive one-time step, for reports. */
export const timings: { packMs?: number; installMs?: number; installReused?: boolean } = {};

/* ----------------------------------------------------------------------------------------- */
/* The CLI                                                                                     */
/* ----------------------------------------------------------------------------------------- */

let binDir: Promise<string> | undefined;

/** The folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`; bootstraps once per process. */
export function pulumiBinDir(): Promise<string> {
  binDir ??= runBootstrap(path.join(repoRoot, "scripts", "bootstrap", "pulumi-cli.sh")).then((dir) => {
    for (const exe of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
      if (!fs.existsSync(path.join(dir, exe))) throw new Error(`pulumi-cli.sh printed ${dir}, which has no ${exe}`);
    }
    return dir;
  });
  binDir.catch(() => (binDir = undefined));
  return binDir;
}

/* ----------------------------------------------------------------------------------------- */
/* The package, as users get it                                                                */
/* ----------------------------------------------------------------------------------------- */

let tarball: Promise<string> | undefined;

/** Temporary folders this process made, removed at exit unless PULUMI_EKM_E2E_KEEP=1. */
const temporary: string[] = [];
process.on("exit", () => {
  if (process.env.PULUMI_EKM_E2E_KEEP === "1") return;
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Runs a command to completion and returns its output; rejects with the output on a non-zero exit. */
export function exec(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} (in ${options.cwd}) exited with ${code ?? signal}:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`));
    });
  });
}

/**
 * Compiles the package and packs it with `npm pack`, once per process; returns the `.tgz` path.
 *
 * The build runs in a staging copy of the package's sources (the `include` of
 * tsconfig.build.json, the tsconfigs, package.json and its `files`), with node_modules linked
 * to the repo's, so it produces what `npm run build && npm pack` produces in the repo without
 * rewriting the shared `dist/` under other runs.
 */
export function packTarball(): Promise<string> {
  tarball ??= (async () => {
    const started = Date.now();
    const staging = tempDir("pulumi-ekm-pack-");
    const buildConfig = JSON.parse(fs.readFileSync(path.join(repoRoot, "tsconfig.build.json"), "utf8")) as { include: string[] };
    // The sources to build, and the top folder of each shipped pattern (npm pack applies the patterns).
    const shipped = REPO_PACKAGE.files.filter((f) => !f.startsWith("!") && f !== "dist").map((f) => f.split("/")[0]!);
    const sources = new Set(["package.json", "tsconfig.json", "tsconfig.build.json", ...buildConfig.include]);
    for (const entry of new Set([...sources, ...shipped])) {
      const from = path.join(repoRoot, entry);
      const filter = (src: string) => path.basename(src) !== "node_modules" && !/^Pulumi\..+\.yaml$/.test(path.basename(src));
      if (fs.existsSync(from)) fs.cpSync(from, path.join(staging, entry), { recursive: true, filter });
    }
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(staging, "node_modules"), "dir");
    const tsc = require.resolve("typescript/bin/tsc", { paths: [repoRoot] });
    await exec(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: staging });
    // Built just above: --ignore-scripts skips prepack, which would build the same files again.
    const out = path.join(staging, ".pack");
    fs.mkdirSync(out);
    const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], { cwd: staging });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = new Set(packed.files.map((f) => f.path));
    for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/dynamic-providers/provider.js", "dist/dynamic-providers/operations.js", "dist/provider/main.js", "provider/bin/pulumi-resource-ekm", "LICENSE"]) {
      if (!files.has(needed)) throw new Error(`npm pack left out ${needed}; check "files" in package.json`);
    }
    timings.packMs = Date.now() - started;
    return path.join(out, packed.filename);
  })();
  tarball.catch(() => (tarball = undefined));
  return tarball;
}

/* ----------------------------------------------------------------------------------------- */
/* The shared npm install                                                                       */
/* ----------------------------------------------------------------------------------------- */

/** The dependencies every user project gets: the tarball, the pinned SDK, and TypeScript for `index.ts`. */
function dependenciesOf(extraDeps: Readonly<Record<string, string>>): { dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  return {
    dependencies: { "@pulumi/pulumi": PULUMI_SDK_VERSION, [REPO_PACKAGE.name]: "file:./pulumi-ekm.tgz", ...extraDeps },
    devDependencies: { typescript: REPO_PACKAGE.devDependencies.typescript, "@types/node": REPO_PACKAGE.devDependencies["@types/node"] },
  };
}

/** What `installTarballProject` made. */
export interface TarballInstall {
  /** The folder holding package.json, pulumi-ekm.tgz and node_modules. */
  readonly root: string;
  /** What `npm install` printed on stderr (warnings), empty when the install was reused. */
  readonly npmStderr: string;
}

/** Options of `installTarballProject`. */
export interface InstallOptions {
  /** Put first on PATH for `npm install` (npm runs on the first `node` of PATH), e.g. another Node's bin folder. @default none */
  readonly pathPrefix?: string;
}

const installs = new Map<string, Promise<TarballInstall>>();

/**
 * One `npm install` of `manifest` (a package.json whose dependencies name "file:./pulumi-ekm.tgz")
 * per process and per manifest, into a fresh folder next to a copy of the tarball. Every
 * install uses npm's one cache, so packages are downloaded once per machine.
 *
 * PULUMI_EKM_E2E_INSTALL_CACHE=<dir> reuses an install made from byte-identical inputs (the
 * tarball and the package.json) by an earlier run, for quick iteration; without it every run
 * installs from scratch.
 */
export function installTarballProject(manifest: Readonly<Record<string, unknown>>, options: InstallOptions = {}): Promise<TarballInstall> {
  const text = JSON.stringify(manifest, null, 2);
  const key = `${options.pathPrefix ?? ""}\n${text}`;
  let install = installs.get(key);
  if (!install) {
    install = (async () => {
      const tgz = await packTarball();
      const cacheRoot = process.env.PULUMI_EKM_E2E_INSTALL_CACHE;
      const digest = createHash("sha256").update(fs.readFileSync(tgz)).update(key).digest("hex").slice(0, 16);
      const root = cacheRoot ? path.join(path.resolve(cacheRoot), `install-${digest}`) : tempDir("pulumi-ekm-e2e-");
      const stamp = path.join(root, ".installed");
      if (cacheRoot && fs.existsSync(stamp)) {
        timings.installReused = true;
        return { root, npmStderr: "" };
      }
      const started = Date.now();
      fs.rmSync(root, { recursive: true, force: true });
      fs.mkdirSync(root, { recursive: true });
      fs.copyFileSync(tgz, path.join(root, "pulumi-ekm.tgz"));
      fs.writeFileSync(path.join(root, "package.json"), text);
      const env = options.pathPrefix ? { ...process.env, PATH: `${options.pathPrefix}${path.delimiter}${process.env.PATH ?? ""}` } : process.env;
      const { stderr } = await exec("npm", ["install", "--no-audit", "--no-fund"], { cwd: root, env, timeoutMs: 900_000 });
      fs.writeFileSync(stamp, new Date().toISOString());
      timings.installMs = Date.now() - started;
      timings.installReused = false;
      return { root, npmStderr: stderr };
    })();
    install.catch(() => installs.delete(key));
    installs.set(key, install);
  }
  return install;
}

/** The shared install of the end-to-end projects: the tarball, the pinned SDK, TypeScript, and `extraDeps`. */
async function sharedInstall(extraDeps: Readonly<Record<string, string>>): Promise<string> {
  const sorted = Object.fromEntries(Object.entries(extraDeps).sort(([a], [b]) => a.localeCompare(b)));
  return (await installTarballProject({ name: "pulumi-ekm-e2e", private: true, ...dependenciesOf(sorted) })).root;
}

/* ----------------------------------------------------------------------------------------- */
/* User projects                                                                               */
/* ----------------------------------------------------------------------------------------- */

/** A Pulumi project folder with its own backend and PULUMI_HOME. */
export interface UserProject {
  readonly name: string;
  /** The project folder (Pulumi.yaml, package.json, index.ts, tsconfig.json). */
  readonly dir: string;
  /** The shared install root whose node_modules the project resolves. */
  readonly installRoot: string;
  /** The file:// backend's folder. */
  readonly backendDir: string;
  /** PULUMI_HOME of this project. */
  readonly home: string;
  /** PULUMI_CONFIG_PASSPHRASE of this project's stacks. */
  readonly passphrase: string;
  /** Every command run in this project, with its full output. */
  readonly transcript: PulumiResult[];
  /** Replaces index.ts. */
  setProgram(indexTs: string): void;
}

/** Options of `createUserProject`. */
export interface CreateUserProjectOptions {
  /** The Pulumi project name (also the config namespace of its own keys). */
  readonly name: string;
  /** The program. Import from "pulumi-ekm", never from the repo's sources. */
  readonly indexTs: string;
  /** Pulumi.yaml; its `name` must equal `name`. @default a TypeScript nodejs project named `name` */
  readonly pulumiYaml?: string;
  /** More npm dependencies (name → version); each distinct set is installed once per process. @default none */
  readonly extraDeps?: Readonly<Record<string, string>>;
}

let projectCount = 0;

/**
 * The tsconfig.json of Pulumi's TypeScript templates (`pulumi new aws-typescript`,
 * `azure-typescript`, `typescript`): https://github.com/pulumi/templates/blob/master/aws-typescript/tsconfig.json
 */
export const PULUMI_TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
} as const;

/** The end-to-end projects' tsconfig.json: the template's, compiling only the program. */
const TSCONFIG = { ...PULUMI_TEMPLATE_TSCONFIG, files: ["index.ts"] };

/** A new project folder under the shared install (installing first if this process has not yet). */
export async function createUserProject(options: CreateUserProjectOptions): Promise<UserProject> {
  if (/from\s+["'](\.{1,2}\/)/.test(options.indexTs)) {
    throw new Error(`createUserProject(${options.name}): the program imports a relative path; import from "pulumi-ekm" (the installed tarball) as users do`);
  }
  const installRoot = await sharedInstall(options.extraDeps ?? {});
  projectCount += 1;
  const dir = path.join(installRoot, "projects", `${options.name}-${process.pid}-${projectCount}`);
  fs.mkdirSync(dir, { recursive: true });
  temporary.push(dir); // also when the install root is a kept cache
  const backendDir = path.join(dir, ".backend");
  const home = path.join(dir, ".pulumi-home");
  fs.mkdirSync(backendDir);
  fs.mkdirSync(home);
  if (options.pulumiYaml !== undefined && !new RegExp(`^name: ${options.name}$`, "m").test(options.pulumiYaml)) {
    throw new Error(`createUserProject(${options.name}): the Pulumi.yaml given names another project`);
  }
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), options.pulumiYaml ?? `name: ${options.name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\ndescription: pulumi-ekm end-to-end project\n`);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: options.name, private: true, main: "index.ts", ...dependenciesOf(options.extraDeps ?? {}) }, null, 2));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  const project: UserProject = {
    name: options.name,
    dir,
    installRoot,
    backendDir,
    home,
    passphrase: `e2e-passphrase-${createHash("sha256").update(dir).digest("hex").slice(0, 12)}`,
    transcript: [],
    setProgram(indexTs: string) {
      fs.writeFileSync(path.join(dir, "index.ts"), indexTs);
    },
  };
  project.setProgram(options.indexTs);
  return project;
}

/* ----------------------------------------------------------------------------------------- */
/* Running the CLI                                                                             */
/* ----------------------------------------------------------------------------------------- */

/** Options of `runPulumi`. */
export interface RunPulumiOptions {
  /** More environment variables for the CLI (and so for the program and the provider). */
  readonly env?: Readonly<Record<string, string>>;
  /** Adds `--stack <stack>`. */
  readonly stack?: string;
  /** Written to the command's stdin (e.g. a secret for `config set --secret`, kept off the command line). */
  readonly input?: string;
  /** Kills the command (and its process group) after this long. @default 300000 */
  readonly timeoutMs?: number;
}

/** Variables of the caller's environment the CLI must not inherit: they would change what is tested. */
const SCRUBBED = /^(PULUMI_|EKM_|AWS_|AZURE_|ARM_)/;

/** The environment of one CLI command. */
export async function pulumiEnv(project: UserProject, extra: Readonly<Record<string, string>> = {}): Promise<NodeJS.ProcessEnv> {
  const bin = await pulumiBinDir();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SCRUBBED.test(k)));
  return {
    ...base,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: project.home,
    PULUMI_BACKEND_URL: `file://${project.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: project.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * Runs `pulumi <args> --non-interactive --color never [--stack <stack>]` in the project folder.
 * Never rejects on a non-zero exit: the caller asserts `code`.
 */
export async function runPulumi(project: UserProject, args: readonly string[], options: RunPulumiOptions = {}): Promise<PulumiResult> {
  const env = await pulumiEnv(project, options.env);
  const bin = await pulumiBinDir();
  // Flags go before a `--` (after which everything is a positional value).
  const flags = ["--non-interactive", "--color", "never", ...(options.stack ? ["--stack", options.stack] : [])];
  const dashdash = args.indexOf("--");
  const full = dashdash < 0 ? [...args, ...flags] : [...args.slice(0, dashdash), ...flags, ...args.slice(dashdash)];
  const started = Date.now();
  const result = await new Promise<PulumiResult>((resolve, reject) => {
    const child = spawn(path.join(bin, "pulumi"), full, { cwd: project.dir, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 300_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const note = timedOut ? `\n[runPulumi] killed after ${options.timeoutMs ?? 300_000} ms` : signal ? `\n[runPulumi] killed by ${signal}` : "";
      resolve({ args: full, code: code ?? -1, stdout, stderr: stderr + note, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? "");
  });
  project.transcript.push(result);
  return result;
}

/** Like `runPulumi`, but rejects with the command's output when it exits non-zero. */
export async function pulumiOk(project: UserProject, args: readonly string[], options: RunPulumiOptions = {}): Promise<PulumiResult> {
  const r = await runPulumi(project, args, options);
  if (r.code !== 0) throw new Error(`pulumi ${r.args.join(" ")} exited with ${r.code}\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-6000)}`);
  return r;
}

/** A stack config value: plain, or a secret (`config set --secret`, value passed on stdin). */
export type ConfigValue = string | { readonly secret: string };

/** `pulumi stack init <stack>`, then `pulumi config set` for each entry (secrets through stdin, never argv). */
export async function initStack(project: UserProject, stack: string, config: Readonly<Record<string, ConfigValue>> = {}): Promise<void> {
  await pulumiOk(project, ["stack", "init", stack]);
  await setConfig(project, stack, config);
}

/** `pulumi config set` for each entry. */
export async function setConfig(project: UserProject, stack: string, config: Readonly<Record<string, ConfigValue>>): Promise<void> {
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === "string") await pulumiOk(project, ["config", "set", key, "--", value], { stack });
    else await pulumiOk(project, ["config", "set", "--secret", key], { stack, input: value.secret });
  }
}

/** `pulumi stack output --json` (secrets stay masked). */
export async function stackOutputs(project: UserProject, stack: string): Promise<Record<string, unknown>> {
  const r = await pulumiOk(project, ["stack", "output", "--json"], { stack });
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/* ----------------------------------------------------------------------------------------- */
/* Reading what the CLI printed                                                                */
/* ----------------------------------------------------------------------------------------- */

/** One step of `pulumi preview --json`. */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly type?: string;
  readonly diffReasons?: string[];
  readonly replaceReasons?: string[];
  readonly detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
  readonly oldState?: { outputs?: Record<string, unknown>; inputs?: Record<string, unknown> };
  readonly newState?: { outputs?: Record<string, unknown>; inputs?: Record<string, unknown> };
}

/** The document `pulumi preview --json` prints. */
export interface PreviewJson {
  readonly steps?: PreviewStep[];
  readonly diagnostics?: { message: string; severity: string; urn?: string }[];
  readonly changeSummary?: Record<string, number>;
}

/** Parses `preview --json` output (the document is the whole of stdout). */
export function parsePreview(r: PulumiResult): PreviewJson {
  try {
    return JSON.parse(r.stdout) as PreviewJson;
  } catch {
    throw new Error(`pulumi ${r.args.join(" ")} did not print JSON (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  }
}

/** The steps of the resources of `type`, as `op` strings in order. */
export function opsOf(preview: PreviewJson, type: string): string[] {
  return (preview.steps ?? [])
    .filter((s) => {
      const t = s.urn.split("::")[2] ?? "";
      return t === type || t.endsWith(`$${type}`);
    })
    .map((s) => s.op);
}

/* ----------------------------------------------------------------------------------------- */
/* Platform API calls and secrets                                                              */
/* ----------------------------------------------------------------------------------------- */

/**
 * Platform API calls by route name, from the test platform's log lines (`startTestPlatform`
 * logs one `{message: "request", route, status}` line per request) from index `since` on.
 */
export function platformCalls(logs: readonly string[], since = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of logs.slice(since)) {
    let entry: { message?: string; route?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.message !== "request" || !entry.route) continue;
    counts[entry.route] = (counts[entry.route] ?? 0) + 1;
  }
  return counts;
}

/** Sum of the counts. */
export const totalCalls = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Every file under `dir` (skipping node_modules), with its text. */
export function filesUnder(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(p);
      } else if (entry.isFile()) {
        out.push({ file: p, text: fs.readFileSync(p).toString("latin1") });
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Where any of `secrets` occurs in `haystacks`, as `"<where>: …context…"` lines (the secret
 * itself replaced by `<SECRET n>`, so a failure message does not print it). Also looks for the
 * base64 form of each secret, in case something encoded it on the way.
 */
export function findSecrets(haystacks: readonly { where: string; text: string }[], secrets: readonly string[]): string[] {
  const hits: string[] = [];
  secrets.forEach((secret, n) => {
    if (secret.length < 8) throw new Error(`findSecrets: secret ${n} is too short to search for reliably`);
    const forms = [secret, Buffer.from(secret).toString("base64").replace(/=+$/, "")];
    for (const { where, text } of haystacks) {
      for (const form of forms) {
        const at = text.indexOf(form);
        if (at >= 0) {
          const context = text.slice(Math.max(0, at - 60), at + form.length + 60).split(form).join(`<SECRET ${n}>`);
          hits.push(`${where}: …${context}…`);
        }
      }
    }
  });
  return hits;
}
