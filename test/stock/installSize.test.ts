// What pulumi-ekm adds to a fresh AWS-only project, beyond what @pulumi/pulumi and @pulumi/aws
// bring on their own: the figures are printed, and held to at most 10 packages and 5 MB, with
// no install script, no Azure SDK, no SQLite and no platform code among them.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { addedBy, closureOf, megabytes } from "../support/lockfileClosure";
import { REPO_PACKAGE } from "../support/pulumi";
import { CLOUDS, LEGS, stockProject } from "../support/stock";

describe("install footprint of an AWS-only project", function () {
  this.timeout(900_000);

  for (const leg of LEGS) {
    it(`${leg.name}: pulumi-ekm adds at most 10 packages and 5 MB, none with an install script, none for Azure or the platform`, async () => {
      const project = await stockProject(leg, CLOUDS.find((c) => c.name === "aws")!);
      const base = ["@pulumi/pulumi", "@pulumi/aws"];
      const baseline = closureOf(project.root, base);
      const added = addedBy(project.root, base, [REPO_PACKAGE.name]);
      console.log(
        `      [footprint] ${leg.name}: @pulumi/pulumi + @pulumi/aws alone: ${baseline.length} packages, ${megabytes(baseline).toFixed(1)} MB; ` +
          `pulumi-ekm adds ${added.length} packages, ${megabytes(added).toFixed(2)} MB: ${added.map((p) => `${p.name}@${p.version} (${(p.bytes / 1e6).toFixed(2)} MB)`).join(", ")}`,
      );
      expect(added.length).to.be.at.most(10);
      expect(megabytes(added)).to.be.at.most(5);
      expect(added.filter((p) => p.hasInstallScript).map((p) => p.name)).to.deep.equal([]);
      expect(added.filter((p) => /^@azure\/|^@aws-sdk\/|sqlite/.test(p.name)).map((p) => p.name)).to.deep.equal([]);
      const shipped = path.join(project.root, "node_modules", REPO_PACKAGE.name, "dist");
      expect(fs.existsSync(path.join(shipped, "platform"))).to.equal(false);
    });
  }
});
