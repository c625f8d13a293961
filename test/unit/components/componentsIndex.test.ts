/**
 * The components' entry points: `components` (shared settings), `components/aws` and
 * `components/azure`, each loading only its own cloud's provider package.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import * as shared from "../../../components";
import * as awsEntry from "../../../components/aws";
import * as azureEntry from "../../../components/azure";
import { ByokKey as AwsByokKey } from "../../../components/aws/byokKey";
import { ByokKey as AzureByokKey } from "../../../components/azure/byokKey";
import { resolvePlatformConnection } from "../../../components/platformConnection";

const root = path.resolve(__dirname, "../../..");

/** Loads `entry` (a path under the repo) in a fresh Node process and prints which provider packages got loaded. */
function loadedBy(entry: string): { aws: boolean; azureNative: boolean; azureNativeRoot: boolean; keyvault: boolean } {
  const probe = `require(${JSON.stringify(entry)});
    const files = Object.keys(require.cache);
    const azure = files.filter((k) => k.includes("/node_modules/@pulumi/azure-native/")).map((k) => k.split("/node_modules/@pulumi/azure-native/")[1]);
    console.log(JSON.stringify({ aws: files.some((k) => k.includes("/node_modules/@pulumi/aws/")), azureNative: azure.length > 0, azureNativeRoot: azure.includes("index.js"), keyvault: azure.includes("keyvault/index.js") }));`;
  return JSON.parse(execFileSync(process.execPath, ["-r", "tsx/cjs", "-e", probe], { cwd: root, encoding: "utf8" }).trim());
}

describe("components entry points", () => {
  it("export ekm:aws:ByokKey from components/aws and ekm:azure:ByokKey from components/azure", () => {
    expect(awsEntry.ByokKey).to.equal(AwsByokKey);
    expect(azureEntry.ByokKey).to.equal(AzureByokKey);
    expect([awsEntry.ByokKey.__pulumiType, azureEntry.ByokKey.__pulumiType]).to.deep.equal(["ekm:aws:ByokKey", "ekm:azure:ByokKey"]);
  });

  it("share the platform connection from components", () => {
    expect(shared.resolvePlatformConnection).to.equal(resolvePlatformConnection);
  });

  it("components loads neither cloud's provider package", () => {
    expect(loadedBy("./components")).to.deep.equal({ aws: false, azureNative: false, azureNativeRoot: false, keyvault: false });
  });

  it("components/aws loads only @pulumi/aws", () => {
    expect(loadedBy("./components/aws")).to.deep.equal({ aws: true, azureNative: false, azureNativeRoot: false, keyvault: false });
  });

  it("components/azure loads only per-service subpaths of @pulumi/azure-native, never its root index", () => {
    expect(loadedBy("./components/azure")).to.deep.equal({ aws: false, azureNative: true, azureNativeRoot: false, keyvault: true });
  });
});
