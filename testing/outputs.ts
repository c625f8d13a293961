/**
 * Awaiting Pulumi outputs in tests.
 */
import * as pulumi from "@pulumi/pulumi";

/** The parts of an Output the SDK does not declare publicly but keeps stable across 3.x. */
interface OutputInternals<T> {
  readonly isKnown: Promise<boolean>;
  promise(withUnknowns?: boolean): Promise<T>;
  allResources?: () => Promise<Set<pulumi.Resource>>;
}

/**
 * The value of an Output (or any Input). Rejects when the Output failed (for example a
 * `ResourceError` thrown inside an `apply`), and when it is unknown, which happens for values
 * computed by resources during a preview (`setMocks(..., preview = true)`).
 */
export async function outputValue<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  const output = pulumi.output(value) as unknown as OutputInternals<pulumi.Unwrap<T>>;
  const [known, resolved] = await Promise.all([output.isKnown, output.promise(true)]);
  if (!known) {
    throw new Error("outputValue: the output is unknown (a value computed by a resource during preview); run the mocks with preview = false to see it");
  }
  return resolved;
}

/**
 * The error an Output failed with, e.g. a component's `ResourceError` for an invalid argument.
 * The SDK prefixes the message with `error serializing property "…":` for each resource input
 * the failure flowed through; `message` is the text without those prefixes. Rejects when the
 * Output did not fail.
 */
export async function outputFailure(output: pulumi.Input<unknown>): Promise<{ error: unknown; message: string }> {
  try {
    await outputValue(output);
  } catch (error) {
    return { error, message: (error as Error).message.replace(/^(error serializing property "[^"]+": )+/, "") };
  }
  throw new Error("outputFailure: expected the output to fail, but it resolved");
}

/** The resources an Output depends on, i.e. what a resource taking it as an input will wait for. */
export async function outputDependencies(value: pulumi.Output<unknown>): Promise<pulumi.Resource[]> {
  const output = value as unknown as OutputInternals<unknown>;
  return output.allResources ? [...(await output.allResources())] : [];
}

/**
 * Waits until every resource constructed so far has been registered with the mocks.
 * Registration is asynchronous: call this before asserting on `recorded(mocks)`.
 */
export async function waitForRegistrations(): Promise<void> {
  // `waitForRPCs` drains the SDK's RPC queue; it is internal, so fall back to a few turns of the event loop.
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  if (typeof settings.waitForRPCs === "function") {
    await settings.waitForRPCs();
  } else {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  }
}
