/** The result of validating a customer key with a real round trip. */
import { z } from "zod";
import { Timestamp } from "./formats";

/**
 * How one step ended: `ok`, `failed`, or `skipped` because an earlier step failed (no KMS call
 * can succeed once the role cannot be assumed or the key is disabled).
 */
export const CheckStatus = z.enum(["ok", "failed", "skipped"]);
/** How one step ended. */
export type CheckStatus = z.infer<typeof CheckStatus>;

/** One step of the validation chain (the names are in `sdk/contract/validation.ts`, e.g. `sts:AssumeRole`, `kms:GenerateDataKey`). */
export const ValidationCheck = z.strictObject({
  name: z.string(),
  status: CheckStatus,
  message: z.string(),
});
/** One step of the validation chain. */
export type ValidationCheck = z.infer<typeof ValidationCheck>;

/** When the validation ran: a dry run, at registration, or a periodic health check. */
export const ValidationPhase = z.enum(["dry-run", "registration", "health-check"]);
/** When the validation ran. */
export type ValidationPhase = z.infer<typeof ValidationPhase>;

/** The checks of one validation run; `ok` is true when every check's status is `ok`. */
export const Validation = z.strictObject({
  phase: ValidationPhase,
  checkedAt: Timestamp,
  ok: z.boolean(),
  checks: z.array(ValidationCheck),
});
/** The checks of one validation run. */
export type Validation = z.infer<typeof Validation>;
