/**
 * Awaiting Pulumi outputs in tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { registrationOutcomes, underlyingMessage, within } from "./registrations";

/** The parts of an Output the SDK does not declare publicly but keeps stable across 3.x. */
interface OutputInternals<T> {
  readonly isKnown: Promise<boolean>;
  promise(withUnknowns?: boolean): Promise<T>;
  allResources?: () => Promise<Set<pulumi.Resource>>;
}

/** Options of the waiting helpers. */
export interface WaitOptions {
  /**
   * How long to wait before rejecting. Mocked registrations take milliseconds; the default stays
   * under mocha's default 2 s test timeout, so a stuck wait fails with its reason, not a timeout.
   * @default 1500
   */
  readonly timeoutMs?: number;
}

/** The default of `WaitOptions.timeoutMs`. */
export const DEFAULT_WAIT_MS = 1_500;

/**
 * The value of an Output (or any Input). Rejects when the Output failed (for example a
 * `ResourceError` thrown inside an `apply`), and when it is unknown, which happens for values
 * computed by resources during a preview (`setMocks(..., preview = true)`). Rejects after
 * `timeoutMs` when it has not settled, naming the registrations that failed or are still open.
 */
export async function outputValue<T>(value: pulumi.Input<T>, options: WaitOptions = {}): Promise<pulumi.Unwrap<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const output = pulumi.output(value) as unknown as OutputInternals<pulumi.Unwrap<T>>;
  const both = Promise.all([output.isKnown, output.promise(true)]);
  if (!(await within(both, timeoutMs))) {
    const { failed, pending } = await registrationOutcomes(0);
    const why = failed.length > 0 ? `; these registrations failed:\n${reasons(failed)}` : pending.length > 0 ? `; still open: ${openList(pending)}` : "";
    throw new Error(`outputValue: the output did not settle within ${timeoutMs} ms${why}`);
  }
  const [known, resolved] = await both;
  if (!known) {
    throw new Error("outputValue: the output is unknown (a value computed by a resource during preview); run the mocks with preview = false to see it");
  }
  return resolved;
}

/**
 * The error an Output failed with, e.g. a component's `ResourceError` for an invalid argument.
 * The SDK prefixes the message with `error serializing property "…":` for each resource input
 * the failure flowed through, and with `failed to register new resource …:` when the mocks
 * refused it; `message` is the text without those prefixes. Rejects when the Output did not
 * fail, and after `timeoutMs` when it has not settled.
 */
export async function outputFailure(output: pulumi.Input<unknown>, options: WaitOptions = {}): Promise<{ error: unknown; message: string }> {
  let error: unknown;
  try {
    await outputValue(output, options);
  } catch (err) {
    error = err;
  }
  if (error === undefined) throw new Error("outputFailure: expected the output to fail, but it resolved");
  if (error instanceof Error && error.message.startsWith("outputValue: the output did not settle")) throw error;
  return { error, message: underlyingMessage((error as Error).message) };
}

/** The resources an Output depends on, i.e. what a resource taking it as an input will wait for. */
export async function outputDependencies(value: pulumi.Output<unknown>): Promise<pulumi.Resource[]> {
  const output = value as unknown as OutputInternals<unknown>;
  return output.allResources ? [...(await output.allResources())] : [];
}

/**
 * Waits until every resource constructed so far has been registered with the mocks. Rejects with
 * the underlying message (one line per distinct reason) when any registration failed, and after
 * `timeoutMs` when some are still open, naming them. Registration is asynchronous: call this
 * before asserting on `recorded(mocks)`.
 */
export async function waitForRegistrations(options: WaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const started = Date.now();
  // `waitForRPCs` drains the SDK's RPC queue; it is internal, so fall back to a few turns of the event loop.
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  const drained =
    typeof settings.waitForRPCs === "function"
      ? await within(settings.waitForRPCs(), timeoutMs)
      : await within((async () => { for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r)); })(), timeoutMs);
  const { failed, pending } = await registrationOutcomes(Math.max(0, timeoutMs - (Date.now() - started)));
  if (failed.length > 0) throw Object.assign(new Error(reasons(failed)), { failures: failed });
  if (!drained || pending.length > 0) {
    throw new Error(
      `waitForRegistrations: ${pending.length || "some"} registration${pending.length === 1 ? "" : "s"} did not finish within ${timeoutMs} ms` +
        `${pending.length > 0 ? `: ${openList(pending)}` : ""}; an input that never resolves (a promise that never settles, or resources that wait for each other) keeps a registration open`,
    );
  }
}

/** The distinct reasons of failed registrations, one per line. */
function reasons(failed: readonly { message: string }[]): string {
  return [...new Set(failed.map((f) => f.message))].join("\n");
}

function openList(pending: readonly { label: string; pending: { phase?: string; inputProperty?: string } }[]): string {
  const waiting = (p: { phase?: string; inputProperty?: string }) =>
    p.inputProperty ? ` (waiting for its input ${p.inputProperty})` : p.phase ? ` (waiting for its ${p.phase})` : "";
  return pending.map((p) => `${p.label}${waiting(p.pending)}`).join(", ");
}
