import { expect } from "chai";
import { defaultSettings } from "../../../platform";

describe("defaultSettings", () => {
  it("reads the cache bounds from the environment", () => {
    const s = defaultSettings({ EKM_BYOK_CACHE_MAX_AGE_MS: "1000", EKM_DATA_KEY_MAX_AGE_MS: "2000", EKM_DATA_KEY_MAX_MESSAGES: "10", EKM_DATA_KEY_CACHE_ENTRIES: "5" });
    expect(s.byokCache).to.deep.equal({ maxAgeMs: 1000, maxMessages: 10, maxEntries: 5 });
    expect(s.platformCache).to.deep.equal({ maxAgeMs: 2000, maxMessages: 10, maxEntries: 5 });
  });

  it("uses the documented defaults", () => {
    const s = defaultSettings({});
    expect(s.byokCache).to.deep.equal({ maxAgeMs: 300_000, maxMessages: 4096, maxEntries: 10_000 });
    expect(s).to.not.have.property("validationReuseMs");
    expect(s.awsPrincipalArn).to.equal(undefined);
  });

  const bad: [string, string][] = [
    ["EKM_BYOK_CACHE_MAX_AGE_MS", "5m"],
    ["EKM_DATA_KEY_MAX_MESSAGES", "-1"],
    ["EKM_DATA_KEY_CACHE_ENTRIES", "1.5"],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}=${value}, naming the variable, the value and the fix`, () => {
      expect(() => defaultSettings({ [name]: value })).to.throw(`${name} must be a whole number, received ${JSON.stringify(value)}: unset it for the default`);
    });
  }
});
