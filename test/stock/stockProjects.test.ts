// A stock Pulumi project, as a new user makes it, installs this package's `npm pack` tarball,
// type-checks under every resolution mode without skipLibCheck or esModuleInterop, and runs its
// mocks test the way the docs show: on Node 24 with the newest @pulumi/pulumi and providers,
// and on Node 22 with the floors of the peer ranges; once with only @pulumi/aws installed and
// once with only @pulumi/azure-native.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLOUDS, LEGS, MODES, runMocha, stockProject, typecheck } from "../support/stock";

describe("stock projects (npm pack tarball, Pulumi's template tsconfig)", function () {
  this.timeout(900_000);

  for (const leg of LEGS) {
    for (const cloud of CLOUDS) {
      const other = CLOUDS.find((c) => c !== cloud)!;
      describe(`${leg.name}, only ${cloud.providerPackage} installed`, () => {
        it(`installs without engine warnings, on Node ${leg.nodeMajor}, and without ${other.providerPackage}`, async () => {
          const project = await stockProject(leg, cloud);
          expect(project.npmStderr).to.not.match(/EBADENGINE|ERESOLVE|peer dep/i);
          const installed = (name: string) => fs.existsSync(path.join(project.root, "node_modules", name, "package.json"));
          expect({ [cloud.providerPackage]: installed(cloud.providerPackage), [other.providerPackage]: installed(other.providerPackage) }).to.deep.equal({
            [cloud.providerPackage]: true,
            [other.providerPackage]: false,
          });
          const versions = Object.fromEntries(["@pulumi/pulumi", cloud.providerPackage].map((p) => [p, JSON.parse(fs.readFileSync(path.join(project.root, "node_modules", p, "package.json"), "utf8")).version]));
          expect(versions).to.deep.equal({ "@pulumi/pulumi": leg.versions["@pulumi/pulumi"], [cloud.providerPackage]: leg.versions[cloud.providerPackage] });
        });

        for (const mode of MODES) {
          it(`type-checks (tsc --noEmit) under ${mode.name}`, async () => {
            const project = await stockProject(leg, cloud);
            expect(await typecheck(project, mode)).to.equal("");
          });
        }

        it("passes its mocks test (mocha -r ts-node/register), invalid inputs failing with their messages", async () => {
          const project = await stockProject(leg, cloud);
          const run = await runMocha(project);
          expect(run.stdout, run.stdout).to.match(/\b\d+ passing\b/);
          expect(run.code, run.stdout).to.equal(0);
        });
      });
    }
  }
});
