/**
 * Resource inputs as the policy judges read them: plain values, with every value the engine
 * does not know yet (during preview) replaced by {@link UNKNOWN}.
 *
 * `@pulumi/policy` hands `validateResource` a proxy that throws `UnknownValueError` when a rule
 * reads an unknown value, and turns the throw into an advisory "can't run policy during preview"
 * message. The judges here skip what is unknown instead (the same policy runs again with known
 * values during `pulumi up`), so a compliant preview prints nothing.
 * https://github.com/pulumi/pulumi-policy/blob/master/sdk/nodejs/policy/proxy.ts
 */
import { UnknownValueError } from "@pulumi/policy";
import type { PolicyThresholds } from "./config";

/** Stands for a value that is not known yet. */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** A resource input with unknowns marked. */
export type Plain = undefined | null | boolean | number | string | typeof UNKNOWN | readonly Plain[] | { readonly [key: string]: Plain };


function read(obj: Record<string | number, unknown>, key: string | number): Plain {
  try {
    return plain(obj[key]);
  } catch (err) {
    if (err instanceof UnknownValueError) return UNKNOWN;
    throw err;
  }
}

/** A deep copy of `value` with unknowns replaced by {@link UNKNOWN}. */
export function plain(value: unknown): Plain {
  if (value === null || value === undefined || typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((_, i) => read(value as unknown as Record<number, unknown>, i));
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).map((k) => [k, read(obj, k)]));
  }
  return undefined;
}

/** `value[key]` when `value` is a known object, else undefined (or UNKNOWN when `value` is unknown). */
export function field(value: Plain, key: string): Plain {
  if (value === UNKNOWN) return UNKNOWN;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return (value as { readonly [key: string]: Plain })[key];
}

/** Follows a dotted path, e.g. `at(props, "properties.keySize")`. */
export function at(value: Plain, path: string): Plain {
  return path.split(".").reduce<Plain>((v, k) => field(v, k), value);
}

/** `value` as an array (a single value becomes one element; undefined none). */
export function list(value: Plain): readonly Plain[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as readonly Plain[]) : [value];
}

/** True when `value` or anything inside it is unknown. */
export function hasUnknown(value: Plain): boolean {
  if (value === UNKNOWN) return true;
  if (value !== null && typeof value === "object") return Object.values(value).some((v) => hasUnknown(v as Plain));
  return false;
}

/**
 * A JSON policy document input (a string, as the AWS provider takes it, or an object), parsed;
 * UNKNOWN when it is not known yet, undefined when absent or not JSON.
 */
export function document(value: Plain): Plain {
  if (typeof value !== "string") return value;
  try {
    return plain(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/**
 * One rule's check of one resource type's inputs. Pure. Returns one message per problem, empty
 * when the inputs comply (or what the rule needs is not known yet); each message names the
 * input, the value received and the fix.
 * @param props the resource's inputs, unknowns marked ({@link plain}).
 * @param thresholds the policy's configuration.
 * @param now the time to judge dates against.
 */
export type Judge = (props: Plain, thresholds: PolicyThresholds, now: Date) => string[];
