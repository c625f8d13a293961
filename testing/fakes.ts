/**
 * Deterministic fake identifiers: the same resource name always gets the same ARN, GUID or
 * key version, so tests can assert exact values and snapshots stay stable.
 */
import { createHash } from "node:crypto";

/** `length` lowercase hex characters derived from `seed`. */
export function fakeHex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${i}:${seed}`).digest("hex");
  return out.slice(0, length);
}

/** A version-4-shaped GUID derived from `seed`. */
export function fakeGuid(seed: string): string {
  const h = fakeHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `length` decimal digits derived from `seed`. */
export function fakeDigits(seed: string, length: number): string {
  return fakeHex(seed, length)
    .split("")
    .map((c) => (parseInt(c, 16) % 10).toString())
    .join("");
}

/** `length` uppercase letters and digits derived from `seed` (IAM unique ids). */
export function fakeUpperAlnum(seed: string, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return fakeHex(seed, length * 2)
    .match(/../g)!
    .map((pair) => alphabet[parseInt(pair, 16) % alphabet.length])
    .join("");
}
