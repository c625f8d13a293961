/**
 * components/index.ts: both components behind one entry point, each cloud loaded on first use.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import * as components from "../../../components";
import { ByokKey as AwsByokKey } from "../../../components/aws/byokKey";
import { ByokKey as AzureByokKey } from "../../../components/azure/byokKey";

const root = path.resolve(__dirname, "../../..");

/** Loads components/index.ts in a fresh Node process, runs `body`, and returns what it printed. */
function inFreshProcess(body: string): string {
  return execFileSync(process.execPath, ["-r", "tsx/cjs", "-e", `const c = require("./components"); ${body}`], { cwd: root, encoding: "utf8" }).trim();
}

const loaded = (pkg: string) => `Object.keys(require.cache).some((k) => k.includes(${JSON.stringify(`/node_modules/@pulumi/${pkg}/`)}))`;

describe("components index", () => {
  it("exposes ekm:aws:ByokKey as aws.ByokKey and ekm:azure:ByokKey as azure.ByokKey", () => {
    expect(components.aws.ByokKey).to.equal(AwsByokKey);
    expect(components.azure.ByokKey).to.equal(AzureByokKey);
    expect([AwsByokKey.__pulumiType, AzureByokKey.__pulumiType]).to.deep.equal(["ekm:aws:ByokKey", "ekm:azure:ByokKey"]);
  });

  it("loads neither cloud's provider package until a component is used", () => {
    expect(inFreshProcess(`console.log(${loaded("aws")}, ${loaded("azure-native")})`)).to.equal("false false");
  });

  it("loads only @pulumi/aws when the AWS component is used", () => {
    expect(inFreshProcess(`c.aws.ByokKey; console.log(${loaded("aws")}, ${loaded("azure-native")})`)).to.equal("true false");
  });

  it("loads only per-service subpaths of @pulumi/azure-native, never its root index, when the Azure component is used", () => {
    const printed = inFreshProcess(
      `c.azure.ByokKey; const files = Object.keys(require.cache).filter((k) => k.includes("/node_modules/@pulumi/azure-native/")).map((k) => k.split("/node_modules/@pulumi/azure-native/")[1]); console.log(JSON.stringify({ root: files.includes("index.js"), keyvault: files.includes("keyvault/index.js"), aws: ${loaded("aws")} }))`,
    );
    expect(JSON.parse(printed)).to.deep.equal({ root: false, keyvault: true, aws: false });
  });
});
