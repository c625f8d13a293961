/** The result of validating a customer key with a real round trip. */
import { z } from "zod";
import { Timestamp } from "./formats";

/** One step of the validation chain (e.g. `sts:AssumeRole`, `kms:GenerateDataKey`). */
export const ValidationCheck = z.strictObject({
  name: z.string(),
  ok: z.boolean(),
  message: z.string(),
});
/** One step of the validation chain. */
export type ValidationCheck = z.infer<typeof ValidationCheck>;

/** When the validation ran: a dry run, at registration, or a periodic health check. */
export const ValidationPhase = z.enum(["dry-run", "registration", "health-check"]);
/** When the validation ran. */
export type ValidationPhase = z.infer<typeof ValidationPhase>;

/** The checks of one validation run; `ok` is true when every check passed. */
export const Validation = z.strictObject({
  phase: ValidationPhase,
  checkedAt: Timestamp,
  ok: z.boolean(),
  checks: z.array(ValidationCheck),
});
/** The checks of one validation run. */
export type Validation = z.infer<typeof Validation>;
