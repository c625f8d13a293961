/**
 * DELETE .../byok: revert to platform-managed keys. The revert is a stored state first
 * (`reverting`, with its `force`), so new content never goes to the customer key again, even
 * after a crash. Then every data key wrapped by the customer key is unwrapped and re-wrapped under
 * the current platform key version, in batches that each commit on their own with a
 * `byok.revert-progress` event; after a crash the platform resumes at start or on its maintenance
 * tick (done rows are platform-wrapped already, and the events hold the totals so far). The
 * configuration goes only when nothing is left. A refusal without `force` stops the revert (the
 * account keeps BYOK); an unreachable key service only pauses it.
 */
import type { DeleteByokResponse } from "../../sdk/schemas";
import { CustomerKeyError } from "../customer-keys/types";
import type { PlatformContext } from "../context";
import type { Envelope } from "../content/envelope";
import { wrapUnderPlatform } from "../content/platformWrap";
import { ConflictError, UnavailableError } from "../errors";
import { deleteByokRecord, getByokRecord, setReverting, type StoredKey } from "../store/byokConfigs";
import { byokDataKeys, countByokDataKeys, describeMessages, markUnreadable, rewrapDataKey } from "../store/dataKeys";
import { appendEvent, eventsOfTypeSince, lastEventSeq } from "../store/events";
import { failureText, type ByokService } from "./byokService";

/** Failures that mean "not reachable now", as opposed to "the key refuses". */
const TRANSIENT: ReadonlySet<CustomerKeyError["kind"]> = new Set(["unavailable", "timeout"]);

/** Who runs a revert: a DELETE, or the platform resuming one a crash interrupted. */
export type RevertTrigger = { by: "request"; force: boolean } | { by: "start" | "maintenance" };

/** What one committed batch did; `byok.revert-progress` events carry it, so totals survive a crash. */
interface Progress {
  rewrappedDataKeys: number;
  unreadableDataKeys: number;
  unreadableMessages: number;
  messagesExact: boolean;
}

/** Re-wraps and removes the configuration; refuses (conflict) when the customer key fails and `force` is off. */
export async function revertToPlatform(ctx: PlatformContext, byok: ByokService, envelope: Envelope, accountId: string, trigger: RevertTrigger): Promise<DeleteByokResponse> {
  const rec = getByokRecord(ctx.db, accountId);
  if (!rec) {
    // Idempotent: a second DELETE (or a retry after a lost answer) finds nothing to do.
    return { reverted: false, rewrappedDataKeys: 0, unreadableDataKeys: 0, unreadableMessages: 0 };
  }
  if (trigger.by !== "request" && rec.revertingSince === null) return { reverted: false, rewrappedDataKeys: 0, unreadableDataKeys: 0, unreadableMessages: 0 };
  if (byok.reverting.has(accountId)) throw new ConflictError("conflict", "a revert is already running for this account: wait for it to finish");
  const force = trigger.by === "request" ? trigger.force : rec.revertingForce;
  const resumed = rec.revertingSince !== null;
  byok.reverting.add(accountId);
  try {
    const now = ctx.clock.now();
    ctx.db.transaction(() => {
      setReverting(ctx.db, accountId, rec.revertingSince ?? now, force);
      if (!resumed) appendEvent(ctx.db, accountId, "byok.revert-started", now, { provider: rec.provider, force });
    })();
    byok.invalidate(accountId);
    // Evicting the account's cached keys settles their exact message counts.
    envelope.forget(accountId);
    const startedAt = lastEventSeq(ctx.db, accountId, "byok.revert-started");
    const totals = () => sumProgress(eventsOfTypeSince(ctx.db, accountId, "byok.revert-progress", startedAt));
    let announced = !resumed;
    const announce = () => {
      // A resumed run says so once it gets somewhere, so a key service that stays down does not fill the trail.
      if (!announced) appendEvent(ctx.db, accountId, "byok.revert-resumed", ctx.clock.now(), { by: trigger.by, force, ...totals() });
      announced = true;
    };
    for (;;) {
      const batch = byokDataKeys(ctx.db, accountId, ctx.settings.rewrapBatchSize);
      if (batch.length === 0) break;
      const results: { id: string; plain?: Buffer; messages: number; exact: boolean }[] = [];
      for (const row of batch) {
        try {
          results.push({ id: row.id, plain: await byok.keyForRow(accountId, row).unwrapDataKey(row.wrapped_key, row.key_ref), messages: row.messages, exact: true });
        } catch (err) {
          if (!(err instanceof CustomerKeyError)) throw err;
          if (TRANSIENT.has(err.kind)) {
            // An unreachable key service says nothing about the key: never give data up over it.
            throw new UnavailableError(
              "customer_key_unavailable",
              `the customer key service did not answer (${failureText(err)}); nothing more was re-wrapped (${totals().rewrappedDataKeys} so far). Retry the DELETE when it is reachable; force gives up only data keys the customer key refuses. Meanwhile the account stays reverting (new content uses the platform key) and the platform resumes on its maintenance tick`,
              { details: { rewrappedSoFar: totals().rewrappedDataKeys }, retryAfterSeconds: 30 },
            );
          }
          if (!force) {
            const pending = countByokDataKeys(ctx.db, accountId);
            const rewrappedSoFar = totals().rewrappedDataKeys;
            ctx.db.transaction(() => {
              setReverting(ctx.db, accountId, null, false);
              appendEvent(ctx.db, accountId, "byok.revert-stopped", ctx.clock.now(), { reason: failureText(err), rewrappedSoFar, affectedDataKeys: pending.keys, affectedMessages: pending.messages });
            })();
            throw new ConflictError(
              "conflict",
              `the customer key no longer unwraps this account's data (${failureText(err)}); ${pending.keys} data keys protecting ${describeMessages(pending)} would become unreadable. Restore access to the key and retry, or DELETE with ?force=true to revert anyway and record the loss`,
              { details: { affectedDataKeys: pending.keys, affectedMessages: pending.messages, affectedMessagesExact: pending.exact, rewrappedSoFar } },
            );
          }
          results.push({ id: row.id, messages: row.messages, exact: row.counted_exactly === 1 });
        }
      }
      const pk = ctx.keyring.current(accountId);
      ctx.db.transaction(() => {
        const step: Progress = { rewrappedDataKeys: 0, unreadableDataKeys: 0, unreadableMessages: 0, messagesExact: true };
        for (const r of results) {
          if (r.plain) {
            const w = wrapUnderPlatform(pk, r.id, r.plain);
            rewrapDataKey(ctx.db, r.id, "platform", w.keyRef, w.keyVersion, w.wrapped);
            step.rewrappedDataKeys++;
          } else {
            markUnreadable(ctx.db, r.id);
            step.unreadableDataKeys++;
            step.unreadableMessages += r.messages;
            if (!r.exact) step.messagesExact = false;
          }
        }
        announce();
        appendEvent(ctx.db, accountId, "byok.revert-progress", ctx.clock.now(), { ...step, remaining: countByokDataKeys(ctx.db, accountId).keys });
      })();
    }
    const done = totals();
    ctx.db.transaction(() => {
      announce();
      const at = ctx.clock.now();
      if (done.unreadableDataKeys > 0) {
        appendEvent(ctx.db, accountId, "byok.data-unreadable", at, {
          dataKeys: done.unreadableDataKeys,
          messages: done.unreadableMessages,
          messagesExact: done.messagesExact,
          keyRef: describeKey(rec),
          forced: true,
        });
      }
      deleteByokRecord(ctx.db, accountId);
      appendEvent(ctx.db, accountId, "byok.reverted", at, { provider: rec.provider, rewrappedDataKeys: done.rewrappedDataKeys, unreadableDataKeys: done.unreadableDataKeys, forced: force });
    })();
    byok.invalidate(accountId);
    byok.pool.forget(accountId);
    return { reverted: true, rewrappedDataKeys: done.rewrappedDataKeys, unreadableDataKeys: done.unreadableDataKeys, unreadableMessages: done.unreadableMessages };
  } finally {
    byok.invalidate(accountId);
    byok.reverting.delete(accountId);
  }
}

function sumProgress(events: readonly Record<string, unknown>[]): Progress {
  const total: Progress = { rewrappedDataKeys: 0, unreadableDataKeys: 0, unreadableMessages: 0, messagesExact: true };
  for (const e of events) {
    total.rewrappedDataKeys += Number(e.rewrappedDataKeys ?? 0);
    total.unreadableDataKeys += Number(e.unreadableDataKeys ?? 0);
    total.unreadableMessages += Number(e.unreadableMessages ?? 0);
    if (e.messagesExact === false) total.messagesExact = false;
  }
  return total;
}

function describeKey(key: StoredKey): string {
  return key.provider === "aws" ? key.reference.keyArn : `${key.reference.vaultUrl}keys/${key.reference.keyName}`;
}
