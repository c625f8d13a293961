/**
 * docs/policy.md documents every policy of the pack with the catalog's severity and each
 * threshold with its default, so the page cannot fall behind the catalog unnoticed.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_THRESHOLDS, PACK_RULES, defaultEnforcement } from "../../../policy";

const page = readFileSync(path.resolve(__dirname, "../../../docs/policy.md"), "utf8");

describe("docs/policy.md", () => {
  it("has a row per rule with its severity and default enforcement level", () => {
    for (const { rule } of PACK_RULES) {
      expect(page, rule.id).to.include(`| \`${rule.id}\` | ${rule.severity} (${defaultEnforcement(rule.severity)}) |`);
    }
  });

  it("states each threshold's default", () => {
    for (const [key, value] of Object.entries(DEFAULT_THRESHOLDS)) {
      expect(page, key).to.match(new RegExp(`\\| \`${key}\` \\| ${String(value)}[ |]`));
    }
  });
});
