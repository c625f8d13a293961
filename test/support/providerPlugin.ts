// The ekm provider plugin as users install it, for end-to-end tests and benchmarks: the plugin
// tarball that scripts/plugin-tarball.sh makes from this package's `npm pack` tarball, installed
// with `pulumi plugin install resource ekm <version> --file <tgz>` into a project's PULUMI_HOME,
// and the Pulumi YAML language host built from Go modules (scripts/bootstrap/pulumi-yaml.sh).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot, runBootstrap } from "./process";
import { exec, packTarball, pulumiBinDir, pulumiOk, REPO_PACKAGE, type UserProject } from "./pulumi";

let yamlBin: Promise<string> | undefined;

/** The folder holding `pulumi-language-yaml`; bootstraps once per process. */
export function pulumiYamlBinDir(): Promise<string> {
  yamlBin ??= runBootstrap(path.join(repoRoot, "scripts", "bootstrap", "pulumi-yaml.sh")).then((dir) => {
    if (!fs.existsSync(path.join(dir, "pulumi-language-yaml"))) throw new Error(`pulumi-yaml.sh printed ${dir}, which has no pulumi-language-yaml`);
    return dir;
  });
  yamlBin.catch(() => (yamlBin = undefined));
  return yamlBin;
}

/** The environment additions that let the CLI find the YAML language host. */
export async function yamlEnv(): Promise<Record<string, string>> {
  return { PATH: [await pulumiYamlBinDir(), await pulumiBinDir(), process.env.PATH ?? ""].join(path.delimiter) };
}

let plugin: Promise<{ tgz: string; ms: number }> | undefined;

/** The plugin tarball, made once per process from the package's `npm pack` tarball; and how long making it took. */
export function pluginTarball(): Promise<{ tgz: string; ms: number }> {
  plugin ??= (async () => {
    const npmTgz = await packTarball();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ekm-plugin-"));
    process.on("exit", () => fs.rmSync(out, { recursive: true, force: true }));
    const started = Date.now();
    const { stdout } = await exec("bash", [path.join(repoRoot, "scripts", "plugin-tarball.sh"), npmTgz, out], { cwd: repoRoot, timeoutMs: 600_000 });
    const tgz = stdout.trim().split("\n").pop()!;
    if (!fs.existsSync(tgz)) throw new Error(`plugin-tarball.sh printed ${tgz}, which does not exist`);
    return { tgz, ms: Date.now() - started };
  })();
  plugin.catch(() => (plugin = undefined));
  return plugin;
}

/** The plugin's version: the package's. */
export const PLUGIN_VERSION = REPO_PACKAGE.version;

/** `pulumi plugin install resource ekm <version> --file <tgz>` into the project's PULUMI_HOME. */
export async function installPlugin(project: UserProject): Promise<void> {
  const { tgz } = await pluginTarball();
  await pulumiOk(project, ["plugin", "install", "resource", "ekm", PLUGIN_VERSION, "--file", tgz]);
}
