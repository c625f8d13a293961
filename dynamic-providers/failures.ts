/**
 * Check failures as the Pulumi engine prints them.
 *
 * The engine prints a failure with a property as
 * `<type> resource '<name>': property <p> value {<inputs[p]>} has a problem: <reason>`, looking
 * `p` up among the top-level inputs only, and one without a property as
 * `<type> resource '<name>' has a problem: <reason>`
 * (pulumi/pkg/resource/deploy/step_generator.go `issueCheckFailures`). A nested path such as
 * `config.aws.roleArn`, or a missing input, would print as `value {<nil>}`. So a failure keeps
 * its property only when it names a top-level input that holds a plain value (the engine then
 * shows the value, and the reason drops its own `; received …`); every other failure is sent
 * without a property and names its path at the start of the reason.
 */
import { quote } from "../sdk/schemas";
import type { CheckFailure } from "./check";
import type { PropertyBag } from "./types";

/** A value the engine renders readably as `{value}`. */
function isPlain(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** The failures to hand to the engine for inputs `inputs` (see the module comment). */
export function forEngine(failures: readonly CheckFailure[], inputs: PropertyBag): CheckFailure[] {
  return failures.map(({ property, reason }) => {
    const value = inputs[property];
    if (property !== "" && !/[.[]/.test(property) && isPlain(value)) {
      const received = `; received ${quote(value)}`;
      return { property, reason: reason.endsWith(received) ? reason.slice(0, -received.length) : reason };
    }
    if (property === "") return { property, reason };
    // A validation step's reason starts with the step (`sts:AssumeRole …`): keep it apart from the path.
    return { property: "", reason: /^[\w-]+[:/][\w]/.test(reason) ? `${property}: ${reason}` : `${property} ${reason}` };
  });
}

/**
 * The lines the engine prints for `failures` (already passed through `forEngine`) of the
 * resource `name` of type `type`, without the `error: ` the CLI puts in front.
 */
export function engineCheckLines(type: string, name: string, failures: readonly CheckFailure[], inputs: PropertyBag): string[] {
  return failures.map((f) =>
    f.property === "" ? `${type} resource '${name}' has a problem: ${f.reason}` : `${type} resource '${name}': property ${f.property} value {${String(inputs[f.property])}} has a problem: ${f.reason}`,
  );
}
