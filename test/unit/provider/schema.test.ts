/**
 * provider/schema.json is what `npm run schema` generates from the TypeScript declarations
 * today, and it declares what the plugin serves.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { schemaText } from "../../../provider/schema/package";
import { TOKENS } from "../../../provider/tokens";
import { repoRoot } from "../../support/process";

const committed = fs.readFileSync(path.join(repoRoot, "provider", "schema.json"), "utf8");

describe("provider schema", function () {
  // The generator type-checks the declarations with @pulumi/aws and @pulumi/azure-native loaded.
  this.timeout(180_000);

  it("is the committed provider/schema.json (run npm run schema when this fails)", () => {
    const generated = schemaText(repoRoot);
    const firstDifference = [...generated].findIndex((c, i) => c !== committed[i]);
    expect(generated === committed, `provider/schema.json is stale from character ${firstDifference}: run "npm run schema" and commit the result`).to.equal(true);
  });

  it("declares the resource, both components, and a secret apiToken in the provider and the config", () => {
    const schema = JSON.parse(committed) as {
      name: string;
      version: string;
      config: { variables: Record<string, { secret?: boolean }> };
      provider: { inputProperties: Record<string, { secret?: boolean }> };
      resources: Record<string, { isComponent?: boolean; inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(schema.name).to.equal("ekm");
    expect(schema.version).to.equal(pkg.version);
    expect(Object.keys(schema.resources).sort()).to.deep.equal(Object.values(TOKENS).sort());
    expect(schema.resources[TOKENS.awsByokKey].isComponent).to.equal(true);
    expect(schema.resources[TOKENS.azureByokKey].isComponent).to.equal(true);
    expect(schema.resources[TOKENS.byokConfiguration].isComponent).to.equal(undefined);
    expect(schema.provider.inputProperties.apiToken.secret).to.equal(true);
    expect(schema.config.variables.apiToken.secret).to.equal(true);
    expect(schema.provider.inputProperties.platformUrl.secret).to.equal(undefined);
    // Every input of the resource is also an output (read fills every input from the platform).
    const byok = schema.resources[TOKENS.byokConfiguration];
    expect(Object.keys(byok.inputProperties).filter((k) => !(k in byok.properties))).to.deep.equal([]);
  });
});
