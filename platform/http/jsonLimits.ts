/**
 * Structure limits of request bodies, checked before anything walks the JSON (zod, error
 * formatting): a few KB of nested brackets must not reach recursive code, and tens of thousands of
 * fields must not become a multi-megabyte error. Every request of the API is far inside them.
 */

/** The limits, and the caps on what an error answer echoes. */
export const JSON_LIMITS = {
  /** Deepest nesting of arrays and objects. */
  maxDepth: 32,
  /** Most values (object members and array elements, at any depth). */
  maxValues: 1000,
  /** Most problems listed in one 400; the rest are counted. */
  maxIssues: 10,
  /** Longest problem message in a 400. */
  maxIssueChars: 600,
  /** Longest id or path echoed back. */
  maxEcho: 200,
} as const;

/**
 * Depth and value count of a JSON text, scanning bytes (no recursion, strings skipped), stopping as
 * soon as a limit is passed. Counts are upper bounds for invalid JSON, which JSON.parse refuses next.
 */
export function jsonShape(text: string): { depth: number; values: number } {
  let depth = 0;
  let maxDepth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      values++;
      if (depth > maxDepth) maxDepth = depth;
      if (maxDepth > JSON_LIMITS.maxDepth) break;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c) {
      values++;
      if (values > JSON_LIMITS.maxValues) break;
    }
  }
  return { depth: maxDepth, values };
}

/** `text` cut to `max` characters, saying how long it was. */
export function clip(text: string, max: number = JSON_LIMITS.maxEcho): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
