// What `npm pack` ships: only what customers load (no platform, no platform-side SDK code, no
// dev tools), only requires it declares, the same entry points for every TypeScript resolution
// mode, and Markdown whose relative links all resolve inside the tarball.
import { builtinModules } from "node:module";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { repoRoot } from "../support/process";
import { packTarball, REPO_PACKAGE } from "../support/pulumi";

/** Every file of the tarball (paths relative to its `package/` folder) and where it was extracted. */
let files: string[];
let extracted: string;

const read = (file: string) => fs.readFileSync(path.join(extracted, file), "utf8");
const requiresOf = (file: string) => [...read(file).matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
/** The entry point the plugin's launcher (the package's `bin`) runs with node. */
const pluginEntry = () => {
  const launcher = read("provider/bin/pulumi-resource-ekm");
  const target = /"\$dir\/\.\.\/\.\.\/(dist\/[^"]+\.js)"/.exec(launcher)?.[1];
  if (!target) throw new Error("provider/bin/pulumi-resource-ekm names no dist/….js entry point");
  return target;
};
/** The export targets (`default` of each conditional entry), and the plugin's entry point. */
const entryFiles = () => [
  ...Object.values(REPO_PACKAGE.exports)
    .map((target) => (typeof target === "string" ? target : target.default))
    .filter((target) => target.endsWith(".js"))
    .map((target) => path.posix.normalize(target)),
  pluginEntry(),
];

describe("npm pack tarball", function () {
  this.timeout(300_000);

  before(async () => {
    const tgz = await packTarball();
    extracted = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ekm-tarball-"));
    execFileSync("tar", ["-xzf", tgz, "-C", extracted]);
    extracted = path.join(extracted, "package");
    files = execFileSync("find", [".", "-type", "f"], { cwd: extracted, encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((f) => f.slice(2))
      .sort();
  });

  after(() => fs.rmSync(path.dirname(extracted), { recursive: true, force: true }));

  it("leaves out the platform, the OpenAPI generator, the Key Vault emulator and tests", () => {
    expect(files.filter((f) => /^dist\/(platform|sdk\/openapi|testing\/keyvault-emulator|test|bench|scripts)\//.test(f) || /\.test\.js$/.test(f))).to.deep.equal([]);
    expect(files).to.include.members(["package.json", "README.md", "LICENSE", "dist/index.js", "dist/components/aws/index.js", "dist/testing/index.js", "provider/bin/pulumi-resource-ekm", "provider/schema.json", "dist/provider/main.js"]);
  });

  it("ships only JavaScript that an entry point loads", () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const spec of requiresOf(file).filter((s) => s.startsWith("."))) {
        const base = path.posix.join(path.posix.dirname(file), spec);
        const target = [`${base}.js`, base, `${base}/index.js`].find((f) => files.includes(f));
        if (!target) throw new Error(`${file} requires ${spec}, which the tarball does not contain`);
        visit(target);
      }
    };
    entryFiles().forEach(visit);
    expect(files.filter((f) => f.endsWith(".js") && !reached.has(f))).to.deep.equal([]);
  });

  it("requires only Node built-ins, its dependencies and its peer dependencies", () => {
    const declared = new Set([...Object.keys(REPO_PACKAGE.dependencies), ...Object.keys(REPO_PACKAGE.peerDependencies)]);
    const undeclared = files
      .filter((f) => f.endsWith(".js"))
      .flatMap((f) => requiresOf(f).filter((s) => !s.startsWith(".")).map((s) => ({ f, s })))
      .filter(({ s }) => {
        const name = s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!;
        return !s.startsWith("node:") && !builtinModules.includes(name) && !declared.has(name);
      })
      .map(({ f, s }) => `${f}: ${s}`);
    expect(undeclared).to.deep.equal([]);
  });

  it("gives moduleResolution node (typesVersions) and the repository's examples (tsconfig paths) the same entry points as exports", () => {
    const subpaths = Object.entries(REPO_PACKAGE.exports).filter(([key, target]) => key !== "." && typeof target !== "string");
    const typesOf = Object.fromEntries(subpaths.map(([key, target]) => [key.slice(2), [(target as { types: string }).types.slice(2)]]));
    expect(REPO_PACKAGE.typesVersions).to.deep.equal({ "*": typesOf });
    const tsconfig = fs.readFileSync(path.join(repoRoot, "tsconfig.json"), "utf8");
    const paths = JSON.parse(/"paths": (\{[^}]*\})/.exec(tsconfig)![1]!) as Record<string, string[]>;
    const sourceOf = (types: string) => [`./${types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts")}`];
    expect(paths).to.deep.equal({
      [REPO_PACKAGE.name]: sourceOf((REPO_PACKAGE.exports["."] as { types: string }).types),
      ...Object.fromEntries(subpaths.map(([key, target]) => [`${REPO_PACKAGE.name}/${key.slice(2)}`, sourceOf((target as { types: string }).types)])),
    });
  });

  it("ships Markdown whose every relative link resolves inside the tarball", () => {
    const markdown = files.filter((f) => f.endsWith(".md"));
    expect(markdown).to.include.members(["README.md", "components/README.md"]);
    const dead: string[] = [];
    for (const file of markdown) {
      for (const [, link] of read(file).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z]+:/i.test(link!) || link!.startsWith("#")) continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), link!.split("#")[0]!)).replace(/\/$/, "");
        if (!files.some((f) => f === target || f.startsWith(`${target}/`))) dead.push(`${file}: ${link}`);
      }
    }
    expect(dead).to.deep.equal([]);
  });
});
