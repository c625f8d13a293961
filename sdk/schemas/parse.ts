/** One way to run a schema and report what is wrong, field by field. */
import { z } from "zod";
import { quote } from "./formats";

/** One problem with an input: the dotted field path and a message that shows the value and the fix. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `aws.keyArn`; empty for the whole body. */
  readonly field: string;
  /** What is wrong, the value received and how to fix it. */
  readonly message: string;
}

/** The outcome of `parseWith`. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** Renders a zod issue path as `a.b[0].c`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

/** Turns zod issues into field issues, spelling out unknown keys and missing fields. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const field = fieldPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ field: field ? `${field}.${key}` : key, message: `unknown field ${JSON.stringify(key)}: remove it (the API rejects fields it does not define)` });
      }
    } else if (issue.code === "invalid_type" && issue.input === undefined) {
      out.push({ field, message: field ? `is required: add ${field} (${issue.expected})` : `a JSON ${issue.expected} body is required` });
    } else if (issue.code === "invalid_type") {
      out.push({ field, message: `expected ${issue.expected}, received ${quote(issue.input)}` });
    } else {
      out.push({ field, message: issue.message });
    }
  }
  return out;
}

/** Formats field issues as one line each: `field: message`. */
export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("\n");
}

/** Parses `value` with `schema` without throwing. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.output<S>> {
  // reportInput keeps the received value on each issue so messages can show it.
  const r = schema.safeParse(value, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: describeIssues(r.error) };
}
