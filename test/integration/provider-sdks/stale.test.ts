// The committed SDKs (provider-sdks/{python,go,dotnet}) are what `pulumi package gen-sdk`
// generates from the committed schema (provider/schema.json) today: regenerated into a
// temporary folder with scripts/gen-provider-sdks.sh and compared file by file.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exec } from "../../support/pulumi";
import { repoRoot } from "../../support/process";
import { PROVIDER_SDKS, SDK_LANGUAGES, treeDifferences } from "../../support/providerSdks";

const generator = path.join(repoRoot, "scripts", "gen-provider-sdks.sh");
const schemaFile = path.join(repoRoot, "provider", "schema.json");

/** Runs the generator into a new temporary folder; resolves with that folder. */
async function generate(work: string, name: string, schema = schemaFile): Promise<string> {
  const out = path.join(work, name);
  // The first run on a machine builds the CLI and the codegen hosts from Go modules.
  await exec("bash", [generator, out, schema], { cwd: repoRoot, timeoutMs: 1_800_000 });
  return out;
}

describe("provider-sdks: generated from provider/schema.json", function () {
  this.timeout(120_000);
  let work: string;
  let fresh: string;

  before(async function () {
    this.timeout(1_800_000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "ekm-sdkgen-"));
    fresh = await generate(work, "fresh");
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  for (const language of SDK_LANGUAGES) {
    it(`provider-sdks/${language} is what gen-sdk writes today (run bash scripts/gen-provider-sdks.sh when this fails)`, () => {
      const differences = treeDifferences(path.join(PROVIDER_SDKS, language), path.join(fresh, language));
      expect(differences, `stale provider-sdks/${language}:\n${differences.slice(0, 20).join("\n")}`).to.deep.equal([]);
    });
  }

  it("a schema change shows in every language's SDK", async () => {
    // The comparison above must be able to fail: one changed description changes each SDK.
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as { resources: Record<string, { description?: string }> };
    schema.resources["ekm:index:ByokConfiguration"].description = "A changed description.";
    const changedSchema = path.join(work, "changed-schema.json");
    fs.writeFileSync(changedSchema, JSON.stringify(schema, null, 2));
    const changed = await generate(work, "changed", changedSchema);
    for (const language of SDK_LANGUAGES) {
      const differences = treeDifferences(path.join(fresh, language), path.join(changed, language));
      expect(differences.length, language).to.be.greaterThan(0);
      expect(differences.every((d) => d.endsWith(": content differs")), differences.join("\n")).to.equal(true);
      const file = differences[0].split(":")[0];
      expect(fs.readFileSync(path.join(changed, language, file), "utf8"), `${language}/${file}`).to.include("A changed description.");
    }
  });
});
