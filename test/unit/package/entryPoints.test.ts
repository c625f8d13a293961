/**
 * What a customer's Pulumi program loads: the package's entry points, from the built output
 * (`dist/`, what `npm install pulumi-ekm` ships), load no cloud SDK, no SQLite and nothing of the
 * platform. Those belong to the platform (`platform/package.json` carries the cloud SDKs).
 *
 * Each probe runs in a fresh Node process that records every module request (`Module._load`,
 * which also sees built-ins such as `node:sqlite`) and every file that ended up in
 * `require.cache`. Both clouds' component entry points are among them.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";

const root = path.resolve(__dirname, "../../..");
const dist = path.join(root, "dist");

/** The entry points of package.json's `exports` (one per cloud for the components), as built files under dist/. */
const ENTRY_POINTS = Object.values((JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { exports: Record<string, string | { default: string }> }).exports)
  .map((target) => (typeof target === "string" ? target : target.default))
  .filter((target) => target.startsWith("./dist/"))
  .map((target) => target.slice("./dist/".length));

/** Runs in the child: loads `files` and prints every module request and loaded file as JSON. */
const PROBE = `
const Module = require("node:module");
const requests = new Set();
const load = Module._load;
Module._load = function (request, ...rest) { requests.add(request); return load.call(this, request, ...rest); };
for (const file of JSON.parse(process.argv[1])) require(file);
console.log(JSON.stringify({ requests: [...requests], files: Object.keys(require.cache) }));
`;

/** What must never load in a customer's program, with why, for the failure message. */
function forbidden(requests: readonly string[], files: readonly string[]): string[] {
  const platformDirs = [path.join(root, "platform") + path.sep, path.join(dist, "platform") + path.sep];
  const bad = [
    ...requests.filter((r) => /^@aws-sdk\/|^@azure\/|^(node:)?sqlite$|^better-sqlite3(\/|$)/.test(r)).map((r) => `require(${JSON.stringify(r)})`),
    ...files.filter((f) => /[\\/]node_modules[\\/](@aws-sdk|@azure|better-sqlite3)[\\/]/.test(f)).map((f) => `loaded ${path.relative(root, f)}`),
    ...files.filter((f) => platformDirs.some((d) => f.startsWith(d))).map((f) => `loaded ${path.relative(root, f)}`),
  ];
  return [...new Set(bad)];
}

/** Loads `files` in a fresh Node process and returns every module request and loaded file. */
function loadsOf(files: readonly string[]): { requests: string[]; files: string[] } {
  const printed = execFileSync(process.execPath, ["-e", PROBE, JSON.stringify(files)], { cwd: root, encoding: "utf8" });
  return JSON.parse(printed) as { requests: string[]; files: string[] };
}

/** Loads `files` in a fresh Node process and returns what it loaded that a customer program must not. */
function forbiddenLoadsOf(files: readonly string[]): string[] {
  const { requests, files: loaded } = loadsOf(files);
  return forbidden(requests, loaded);
}

describe("package entry points (built output)", () => {
  before(function () {
    const missing = ENTRY_POINTS.filter((e) => !fs.existsSync(path.join(dist, e)));
    if (missing.length > 0) throw new Error(`dist/${missing.join(", dist/")} missing: run "npm run build" first`);
  });

  it("load no @aws-sdk/*, @azure/*, SQLite or platform/ module, the AWS and Azure components included", () => {
    expect(ENTRY_POINTS).to.include.members(["index.js", "components/aws/index.js", "components/azure/index.js", "testing/index.js", "policy/index.js"]);
    expect(forbiddenLoadsOf(ENTRY_POINTS.map((e) => path.join(dist, e)))).to.deep.equal([]);
  });

  it("pulumi-ekm/policy loads @pulumi/policy but no cloud SDK (it judges raw resources by type token), and starts no policy server", () => {
    const { requests, files } = loadsOf([path.join(dist, "policy", "index.js")]);
    expect(requests).to.include("@pulumi/policy");
    expect(requests.filter((r) => /^@pulumi\/(aws|azure-native)(\/|$)/.test(r))).to.deep.equal([]);
    expect(files.filter((f) => /[\\/]node_modules[\\/]@pulumi[\\/](aws|azure-native)[\\/]/.test(f))).to.deep.equal([]);
    // The probe process exits once the entry is loaded: a PolicyPack constructed at load would keep serving.
  });

  it("would report an entry point that loads the platform's customer-key code", function () {
    const platformAws = path.join(dist, "platform", "customer-keys", "aws", "index.js");
    if (!fs.existsSync(platformAws)) throw new Error(`${path.relative(root, platformAws)} missing: run "npm run build" first`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ekm-entry-"));
    const entry = path.join(dir, "entry.js");
    fs.writeFileSync(entry, `require(${JSON.stringify(platformAws)});\n`);
    try {
      const found = forbiddenLoadsOf([entry]);
      expect(found).to.include("loaded dist/platform/customer-keys/aws/index.js");
      expect(found).to.include('require("@aws-sdk/client-kms")');
      expect(found.some((f) => f.startsWith("loaded node_modules/@aws-sdk/client-kms/"))).to.equal(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("would report a require of node:sqlite or @azure/*", () => {
    expect(forbidden(["node:sqlite", "sqlite", "better-sqlite3", "@azure/identity", "zod"], [])).to.deep.equal([
      'require("node:sqlite")',
      'require("sqlite")',
      'require("better-sqlite3")',
      'require("@azure/identity")',
    ]);
  });
});
