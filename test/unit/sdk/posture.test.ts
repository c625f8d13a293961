import { expect } from "chai";
import { DOCUMENTED_DATA_ACTIONS, POSTURE_THRESHOLDS, RULE_LIST, SEVERITIES, atOrAbove, ruleById } from "../../../sdk/contract";

describe("sdk/contract/posture (the rule catalog)", () => {
  it("gives every rule a unique, dotted lower-case id whose prefix is its category", () => {
    const ids = RULE_LIST.map((r) => r.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const r of RULE_LIST) {
      expect(r.id, r.id).to.match(/^[a-z]+\.[a-z0-9-.]+$/);
      expect(r.id.split(".")[0], r.id).to.equal(r.category);
      expect(SEVERITIES, r.id).to.include(r.severity);
      expect(r.fix.length, r.id).to.be.greaterThan(10);
    }
  });

  it("finds a rule by id and orders severities for --fail-on", () => {
    expect(ruleById("posture.key-rotation-off")?.severity).to.equal("high");
    expect(ruleById("posture.nope")).to.equal(undefined);
    expect(atOrAbove("critical", "high")).to.equal(true);
    expect(atOrAbove("medium", "high")).to.equal(false);
    expect(atOrAbove("info", "info")).to.equal(true);
  });

  it("allows exactly the five documented Azure data actions", () => {
    expect(POSTURE_THRESHOLDS.allowedAzureDataActions).to.deep.equal([...DOCUMENTED_DATA_ACTIONS]);
    expect(POSTURE_THRESHOLDS.allowedAzureDataActions).to.have.length(5);
  });
});
