// docs/audit.md renders the rule catalog, not a copy of it by hand.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { rulesMarkdownTable } from "../../../audit/rulesTable";
import { repoRoot } from "../../support/process";

describe("docs/audit.md", () => {
  it("holds the rule table rendered from sdk/contract/posture.ts (npx tsx audit/rulesTable.ts)", () => {
    const page = readFileSync(path.join(repoRoot, "docs", "audit.md"), "utf8");
    expect(page).to.include(rulesMarkdownTable());
  });
});
