import { expect } from "chai";
import { byokStatus, effectiveSource } from "../../../platform/byok/status";
import type { ByokRecord } from "../../../platform/store/byokConfigs";

/** The record fields these rules read; the key is fixed (an AWS key). */
type Fields = Partial<Omit<ByokRecord, "provider" | "reference">>;

const NOW = Date.UTC(2026, 5, 1);
const rec = (over: Fields = {}): ByokRecord => ({
  accountId: "acct-1",
  provider: "aws",
  reference: { keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::111122223333:role/r" },
  nickname: "n",
  activationDate: "2026-01-01",
  validation: { phase: "registration", checkedAt: "2026-01-01T00:00:00Z", ok: true, checks: [] },
  etag: '"e"',
  activatedAt: null,
  fallbackReason: null,
  fallbackSince: null,
  createdAt: 0,
  updatedAt: 0,
  revertingSince: null,
  revertingForce: false,
  keyVersionInUse: null,
  ...over,
});

describe("byok status rules", () => {
  const cases: [string, ByokRecord | undefined, string | undefined, string][] = [
    ["no configuration", undefined, undefined, "platform"],
    ["before the activation date", rec({ activationDate: "2026-06-02" }), "pending-activation", "platform-fallback"],
    ["at the activation instant", rec({ activationDate: new Date(NOW).toISOString() }), "active", "byok"],
    ["after activation", rec(), "active", "byok"],
    ["in fallback", rec({ fallbackReason: "kms down", fallbackSince: NOW - 1 }), "degraded", "platform-fallback"],
    ["a failed last validation", rec({ validation: { phase: "health-check", checkedAt: "x", ok: false, checks: [] } }), "invalid", "platform-fallback"],
    ["a revert in progress (also after a restart)", rec({ revertingSince: NOW - 1, fallbackReason: "kms down", fallbackSince: NOW - 1 }), "reverting", "platform-fallback"],
  ];
  for (const [what, r, status, source] of cases) {
    it(`reports ${status ?? "no status"} and ${source} for ${what}`, () => {
      if (r) expect(byokStatus(r, NOW)).to.equal(status);
      expect(effectiveSource(r, NOW)).to.equal(source);
    });
  }
});
