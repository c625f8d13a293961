/**
 * What every cloud's validation chain shares: steps run in order, each becomes one check, and
 * after the first failure the later steps get status `skipped` (no KMS call can succeed once
 * the role cannot be assumed or the key is disabled). Also the socket error codes that mean
 * "the key service is unreachable" for both clouds.
 */
import type { ValidationCheck } from "../../sdk/schemas";

/** Socket-level failures: the customer's key service is unreachable (the platform falls back). */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/** The message of a step that did not run because `failed` failed before it. */
export function skippedMessage(failed: string): string {
  return `not run because ${failed} failed`;
}

/** A chain under construction: `step` runs one step, `checks` collects the results. */
export interface ValidationChain<N extends string> {
  readonly checks: ValidationCheck[];
  step(name: N, run: () => Promise<string>): Promise<void>;
}

/** Starts a chain; `describeFailure` turns a step's error into its actionable message. */
export function validationChain<N extends string>(describeFailure: (name: N, err: unknown) => string): ValidationChain<N> {
  const checks: ValidationCheck[] = [];
  let failed: N | undefined;
  return {
    checks,
    async step(name, run) {
      if (failed !== undefined) {
        checks.push({ name, status: "skipped", message: skippedMessage(failed) });
        return;
      }
      try {
        checks.push({ name, status: "ok", message: await run() });
      } catch (err) {
        failed = name;
        checks.push({ name, status: "failed", message: describeFailure(name, err) });
      }
    },
  };
}
