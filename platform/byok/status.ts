/** Pure rules that turn a stored configuration and the time into status and effective key source. */
import { activationDateMs, pendingActivationReason, type StoredByokConfiguration, type ByokStatus, type EffectiveKeySource, type Fallback } from "../../sdk/schemas";
import { iso } from "../clock";
import { keyConfigOfStored, type ByokRecord } from "../store/byokConfigs";

/** The status of a configuration at `now`. */
export function byokStatus(rec: ByokRecord, now: number): ByokStatus {
  if (rec.revertingSince !== null) return "reverting";
  if (now < activationDateMs(rec.activationDate)) return "pending-activation";
  if (rec.fallbackSince !== null) return "degraded";
  if (!rec.validation.ok) return "invalid";
  return "active";
}

/**
 * Which key protects new content at `now`: BYOK when configured, activated and
 * working; otherwise the platform key, shown as `platform-fallback` when BYOK is configured.
 */
export function effectiveSource(rec: ByokRecord | undefined, now: number): EffectiveKeySource {
  if (!rec) return "platform";
  return byokStatus(rec, now) === "active" ? "byok" : "platform-fallback";
}

/** Why a configured account's new content uses the platform key, or null when it uses BYOK. */
export function fallbackOf(rec: ByokRecord, now: number, reverting: boolean): Fallback | null {
  if (reverting || rec.revertingSince !== null) {
    return { reason: "reverting to platform-managed keys: customer-wrapped data keys are being re-wrapped under the platform key", since: iso(rec.revertingSince ?? now) };
  }
  if (now < activationDateMs(rec.activationDate)) {
    return { reason: pendingActivationReason(rec.activationDate), since: iso(rec.updatedAt) };
  }
  if (rec.fallbackSince !== null) return { reason: rec.fallbackReason ?? "the customer key failed", since: iso(rec.fallbackSince) };
  if (!rec.validation.ok) return { reason: "the last validation of the customer key failed", since: rec.validation.checkedAt };
  return null;
}

/** The wire form of a stored configuration. */
export function toWire(rec: ByokRecord, now: number): StoredByokConfiguration {
  const common = {
    nickname: rec.nickname,
    activationDate: rec.activationDate,
    status: byokStatus(rec, now),
    keyVersionInUse: rec.keyVersionInUse,
    validation: rec.validation,
    etag: rec.etag,
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.updatedAt),
  };
  return { ...keyConfigOfStored(rec), ...common };
}
