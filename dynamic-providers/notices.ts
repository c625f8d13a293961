/**
 * What the ByokConfiguration provider tells the user during preview, up, refresh and destroy,
 * as pure functions of what it knows: the steps of a validation, the activation date against
 * the clock, the refreshed status, the counts of a revert. Each message starts with
 * `ByokConfiguration <accountId>:` because the engine shows provider messages under the stack,
 * not under the resource (see ./log).
 */
import { activationDateMs, type DeleteByokResponse, type Validation } from "../sdk/schemas";
import type { ByokOutputs } from "./types";

/** An activation date further back than this is probably a typo (a wrong year). */
export const FAR_PAST_MS = 365 * 24 * 3600 * 1000;

const prefix = (accountId: string) => `ByokConfiguration ${accountId}:`;

/** One line per validation step: `… dry run step 2/4 kms:DescribeKey: ok — the key is enabled …`. */
export function stepLines(accountId: string, phase: "dry run" | "registration", validation: Pick<Validation, "checks">): string[] {
  const n = validation.checks.length;
  return validation.checks.map((c, i) => {
    return `${prefix(accountId)} ${phase} step ${i + 1}/${n} ${c.name}: ${c.status} — ${c.message}`;
  });
}

/**
 * Warnings about a new or changed activation date (none when it is unchanged): a date moved from
 * the past into the future sends new content back to the platform key; a date more than a year
 * back is most likely a typo.
 * @param oldDate the activation date in the state, if any.
 * @param now epoch ms.
 */
export function activationNotices(accountId: string, oldDate: unknown, newDate: string, now: number): string[] {
  if (oldDate === newDate) return [];
  const next = activationDateMs(newDate);
  const previous = typeof oldDate === "string" ? activationDateMs(oldDate) : NaN;
  const notices: string[] = [];
  if (previous <= now && next > now) {
    notices.push(
      `${prefix(accountId)} activationDate moves from ${oldDate as string} to ${newDate}, which is in the future: new content returns to the platform key until then ` +
        "(content already encrypted under the customer key stays readable with it)",
    );
  }
  if (now - next > FAR_PAST_MS) {
    const years = Math.floor((now - next) / FAR_PAST_MS);
    notices.push(
      `${prefix(accountId)} activationDate ${newDate} is more than ${years} year${years === 1 ? "" : "s"} in the past: the key protects new content as soon as it is registered; if you meant a later date, correct the year`,
    );
  }
  return notices;
}

/** What refresh found, when it is worth a message: a fallback (with its reason) or a pending activation. */
export function stateNotice(outs: ByokOutputs): { level: "info" | "warn"; message: string } | undefined {
  const id = outs.accountId;
  if (outs.status === "pending-activation") {
    return { level: "info", message: `${prefix(id)} status pending-activation: new content uses the platform key until ${outs.activationDate}` };
  }
  if (outs.status === "degraded" || outs.status === "invalid" || outs.effectiveKeySource === "platform-fallback") {
    const why = outs.fallback ? `since ${outs.fallback.since}: ${outs.fallback.reason}` : "the platform gave no reason";
    return { level: "warn", message: `${prefix(id)} status ${outs.status}: new content falls back to the platform key ${why}` };
  }
  return undefined;
}

/**
 * What refresh found about the Azure key version, when it moved: a versionless key follows its
 * rotation, so new data keys are wrapped by another version with no change to the stack.
 * @param previous the version in use the state held, if any.
 */
export function keyVersionNotice(outs: ByokOutputs, previous: unknown): string | undefined {
  const now = outs.keyVersionInUse;
  if (now === undefined || typeof previous !== "string" || previous === now) return undefined;
  return `${prefix(outs.accountId)} the key version in use moved from ${previous} to ${now}: new data keys are wrapped by ${now}; content from before still decrypts with ${previous}`;
}

/** Messages before and after a revert to platform-managed keys. */
export const revertProgress = {
  start: (accountId: string, force: boolean): string =>
    `${prefix(accountId)} reverting to platform-managed keys: re-wrapping the account's data keys under the platform key${force ? " (forceRevertOnDelete: data keys the customer key no longer unwraps are given up)" : ""}`,
  done(accountId: string, r: DeleteByokResponse): { info: string; warn?: string } {
    if (!r.reverted) return { info: `${prefix(accountId)} the account had no BYOK configuration: nothing to revert` };
    const info = `${prefix(accountId)} reverted to platform-managed keys: re-wrapped ${r.rewrappedDataKeys} data key${r.rewrappedDataKeys === 1 ? "" : "s"} under the platform key`;
    if (r.unreadableDataKeys === 0) return { info };
    return {
      info,
      warn: `${prefix(accountId)} ${r.unreadableDataKeys} data key${r.unreadableDataKeys === 1 ? "" : "s"} (${r.unreadableMessages} message${r.unreadableMessages === 1 ? "" : "s"}) could not be re-wrapped and ${r.unreadableDataKeys === 1 ? "is" : "are"} now unreadable`,
    };
  },
};

