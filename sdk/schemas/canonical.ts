/**
 * The one canonical JSON form: object keys sorted (by UTF-16 code unit, at every depth) and
 * undefined members dropped, so `{keyVersion: undefined, keyName: "k"}` and `{keyName: "k"}` give
 * the same text. Comparisons of key references, etags and cache keys all go through it.
 */

/** `value` as canonical JSON; `"undefined"` for undefined itself (so it compares unequal to any JSON). */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          )
        : v,
    ) ?? "undefined"
  );
}

/** True when `a` and `b` have the same canonical JSON: equal whatever the key order, and with absent and undefined members alike. */
export function sameCanonical(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
