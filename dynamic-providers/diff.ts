/**
 * The diff of a ByokConfiguration, as a pure function of the old outputs and the new inputs.
 *
 * | change                                   | result                                         |
 * |------------------------------------------|------------------------------------------------|
 * | `accountId`                              | replace; the old account's configuration is deleted after the new account's is created (different accounts do not collide) |
 * | provider kind (`aws` ⇄ `azure`)          | replace, delete-before-replace: one configuration per account, so creating the new one first would collide with (or, with `adoptExisting`, be reverted by the deletion of) the old one |
 * | key or role (same kind)                  | update in place: a PUT that revalidates the key |
 * | `nickname`, `activationDate`             | update in place: a PATCH                        |
 * | `adoptExisting`                          | no change: it only matters when creating        |
 * | `forceRevertOnDelete`                    | update in place, with no platform call: only the state changes, so that a later delete reads it |
 *
 * Unknown values (preview): an unknown `accountId` is reported as a replace, since a value that
 * comes from a changing resource is most likely a different account. An unknown provider kind
 * (the whole `config` unknown, typically a component's `byokConfig` whose role or key is being
 * replaced) is reported as an update: switching clouds is rare and deliberate, and showing every
 * key change as a revert-and-reregister would be wrong far more often. The engine diffs again
 * with known values during `up`, so a kind change is still a replace there.
 */
import type * as pulumi from "@pulumi/pulumi";
import { sameCanonical } from "../sdk/schemas/canonical";
import { isUnknown, containsUnknown, type PropertyBag } from "./types";

/** How an input compares with its old value. */
type Comparison = "same" | "different" | "unknown";

/** The provider kind of a `config` input, or UNKNOWN / undefined. */
function kindOf(config: unknown): unknown {
  if (isUnknown(config)) return config;
  return config !== null && typeof config === "object" ? (config as { provider?: unknown }).provider : undefined;
}

function compare(old: unknown, next: unknown): Comparison {
  if (containsUnknown(next)) return "unknown";
  return sameCanonical(old, next) ? "same" : "different";
}

/**
 * True when two `config` values name the same key (provider and reference), ignoring key order and absent optionals.
 * @internal
 */
export function sameKey(a: unknown, b: unknown): boolean {
  return !containsUnknown(b) && sameCanonical(a, b);
}

/**
 * The diff of the old outputs `olds` against the new inputs `news`.
 * @internal
 */
export function diffByok(olds: PropertyBag, news: PropertyBag): Required<Pick<pulumi.dynamic.DiffResult, "changes" | "replaces" | "deleteBeforeReplace">> {
  const account = compare(olds.accountId, news.accountId);
  const newKind = kindOf(news.config);
  const kind: Comparison = isUnknown(newKind) ? "unknown" : kindOf(olds.config) === newKind ? "same" : "different";

  const replaces: string[] = [];
  if (account !== "same") replaces.push("accountId");
  if (kind === "different") replaces.push("config");

  const updates =
    compare(olds.config, news.config) !== "same" ||
    compare(olds.nickname, news.nickname) !== "same" ||
    compare(olds.activationDate, news.activationDate) !== "same" ||
    (olds.forceRevertOnDelete === true) !== (news.forceRevertOnDelete === true);

  return {
    changes: replaces.length > 0 || updates,
    replaces,
    // Only a replacement on the same account collides with itself; see the table above.
    deleteBeforeReplace: kind === "different" && account === "same",
  };
}
