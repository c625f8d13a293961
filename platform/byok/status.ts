/** Pure rules that turn a stored configuration and the time into status and effective key source. */
import { activationDateMs, type AwsKeyReference, type AzureKeyReference, type ByokConfiguration, type ByokStatus, type EffectiveKeySource } from "../../sdk/schemas";
import { iso } from "../clock";
import type { ByokRecord } from "../store/byokConfigs";

/** The status of a configuration at `now`. */
export function byokStatus(rec: ByokRecord, now: number): ByokStatus {
  if (now < activationDateMs(rec.activationDate)) return "pending-activation";
  if (rec.fallbackSince !== null) return "degraded";
  if (!rec.validation.ok) return "invalid";
  return "active";
}

/** Which key protects new content at `now`. */
export function effectiveSource(rec: ByokRecord | undefined, now: number): EffectiveKeySource {
  if (!rec) return "platform";
  const status = byokStatus(rec, now);
  if (status === "pending-activation") return "platform";
  return status === "active" ? "byok" : "platform-fallback";
}

/** The wire form of a stored configuration. */
export function toWire(rec: ByokRecord, now: number): ByokConfiguration {
  const common = {
    nickname: rec.nickname,
    activationDate: rec.activationDate,
    status: byokStatus(rec, now),
    validation: rec.validation,
    etag: rec.etag,
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.updatedAt),
  };
  return rec.provider === "aws"
    ? { provider: "aws", aws: rec.reference as AwsKeyReference, ...common }
    : { provider: "azure", azure: rec.reference as AzureKeyReference, ...common };
}
