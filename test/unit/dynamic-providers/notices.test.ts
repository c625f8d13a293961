// What the provider tells the user, and how check failures reach the engine: exact texts.
import { expect } from "chai";
import { forEngine, engineCheckLines } from "../../../dynamic-providers/failures";
import { activationNotices, keyVersionNotice, stateNotice, stepLines } from "../../../dynamic-providers/notices";
import type { ByokOutputs } from "../../../dynamic-providers/types";

const NOW = Date.parse("2026-06-01T00:00:00Z");
const ID = "acct-aaaa1111";

describe("activationNotices", () => {
  it("warns when an activation date moves from the past into the future: content returns to the platform key", () => {
    expect(activationNotices(ID, "2026-01-01", "2026-09-01", NOW)).to.deep.equal([
      `ByokConfiguration ${ID}: activationDate moves from 2026-01-01 to 2026-09-01, which is in the future: new content returns to the platform key until then ` +
        "(content already encrypted under the customer key stays readable with it)",
    ]);
  });

  it("warns about a new activation date more than a year back, naming how far", () => {
    expect(activationNotices(ID, undefined, "2023-05-01", NOW)).to.deep.equal([
      `ByokConfiguration ${ID}: activationDate 2023-05-01 is more than 3 years in the past: the key protects new content as soon as it is registered; if you meant a later date, correct the year`,
    ]);
  });

  const quiet: [string, unknown, string][] = [
    ["an unchanged date, however old", "2020-01-01", "2020-01-01"],
    ["a future date moved further", "2026-09-01", "2026-10-01"],
    ["a recent past date", undefined, "2026-03-01"],
    ["a new future date (nothing was active)", undefined, "2026-09-01"],
  ];
  for (const [what, old, next] of quiet) it(`says nothing for ${what}`, () => expect(activationNotices(ID, old, next, NOW)).to.deep.equal([]));
});

describe("stateNotice", () => {
  const outs = (o: Partial<ByokOutputs>) => ({ accountId: ID, activationDate: "2026-01-01", status: "active", effectiveKeySource: "byok", ...o }) as ByokOutputs;
  it("warns about a fallback with its reason and since when", () => {
    expect(stateNotice(outs({ status: "degraded", effectiveKeySource: "platform-fallback", fallback: { reason: "kms:Decrypt denied", since: "2026-05-31T10:00:00.000Z" } }))).to.deep.equal({
      level: "warn",
      message: `ByokConfiguration ${ID}: status degraded: new content falls back to the platform key since 2026-05-31T10:00:00.000Z: kms:Decrypt denied`,
    });
  });
  it("tells a pending activation as info, and nothing when active", () => {
    expect(stateNotice(outs({ status: "pending-activation", activationDate: "2026-09-01", effectiveKeySource: "platform-fallback" }))).to.deep.equal({
      level: "info",
      message: `ByokConfiguration ${ID}: status pending-activation: new content uses the platform key until 2026-09-01`,
    });
    expect(stateNotice(outs({}))).to.equal(undefined);
  });
});

describe("keyVersionNotice", () => {
  const outs = (keyVersionInUse?: string) => ({ accountId: ID, status: "active", effectiveKeySource: "byok", ...(keyVersionInUse ? { keyVersionInUse } : {}) }) as ByokOutputs;
  const [V1, V2] = ["0".repeat(31) + "1", "0".repeat(31) + "2"];
  it("tells that a versionless key moved to another version, naming both", () => {
    expect(keyVersionNotice(outs(V2), V1)).to.equal(
      `ByokConfiguration ${ID}: the key version in use moved from ${V1} to ${V2}: new data keys are wrapped by ${V2}; content from before still decrypts with ${V1}`,
    );
  });
  const quiet: [string, string | undefined, unknown][] = [
    ["the same version", V1, V1],
    ["a first version (nothing was known before)", V1, undefined],
    ["no version in use (AWS)", undefined, V1],
  ];
  for (const [what, now, before] of quiet) it(`says nothing for ${what}`, () => expect(keyVersionNotice(outs(now), before)).to.equal(undefined));
});

describe("stepLines", () => {
  it("numbers each step with its outcome and message", () => {
    const checks = [
      { name: "sts:AssumeRole", status: "ok" as const, message: "assumed" },
      { name: "kms:DescribeKey", status: "failed" as const, message: "the key is disabled" },
      { name: "kms:Decrypt", status: "skipped" as const, message: "not run because kms:DescribeKey failed" },
    ];
    expect(stepLines(ID, "dry run", { checks })).to.deep.equal([
      `ByokConfiguration ${ID}: dry run step 1/3 sts:AssumeRole: ok — assumed`,
      `ByokConfiguration ${ID}: dry run step 2/3 kms:DescribeKey: failed — the key is disabled`,
      `ByokConfiguration ${ID}: dry run step 3/3 kms:Decrypt: skipped — not run because kms:DescribeKey failed`,
    ]);
  });
});

describe("forEngine", () => {
  const inputs = { accountId: "42", nickname: "prod ", config: { provider: "aws", aws: { roleArn: "r" } } };
  it("keeps a top-level property whose value the engine can show, without repeating the value", () => {
    const failures = forEngine([{ property: "nickname", reason: 'must not start or end with white space; received "prod "' }], inputs);
    expect(failures).to.deep.equal([{ property: "nickname", reason: "must not start or end with white space" }]);
    expect(engineCheckLines("T", "byok", failures, inputs)).to.deep.equal(["T resource 'byok': property nickname value {prod } has a problem: must not start or end with white space"]);
  });
  it("moves a nested path or a missing input into the reason, so the engine never prints value {<nil>}", () => {
    const failures = forEngine(
      [
        { property: "config.aws.roleArn", reason: 'must be an IAM role ARN; received "r"' },
        { property: "config.aws.keyArn", reason: "kms:DescribeKey failed: key is disabled" },
        { property: "activationDate", reason: "is required: add activationDate (string)" },
      ],
      inputs,
    );
    expect(engineCheckLines("T", "byok", failures, inputs)).to.deep.equal([
      `T resource 'byok' has a problem: config.aws.roleArn must be an IAM role ARN; received "r"`,
      "T resource 'byok' has a problem: config.aws.keyArn: kms:DescribeKey failed: key is disabled",
      "T resource 'byok' has a problem: activationDate is required: add activationDate (string)",
    ]);
  });
});
