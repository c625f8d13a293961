/**
 * DELETE .../byok: revert to platform-managed keys. Every data key wrapped by the
 * customer key is unwrapped and re-wrapped under the current platform key version, in
 * batches that each commit on their own, so a crash resumes where it stopped (done rows
 * are platform-wrapped already). The configuration goes only when nothing is left.
 */
import type { DeleteByokResponse } from "../../sdk/schemas";
import { CustomerKeyError } from "../customer-keys/types";
import type { PlatformContext } from "../context";
import type { Envelope } from "../content/envelope";
import { wrapUnderPlatform } from "../content/platformWrap";
import { ConflictError, UnavailableError } from "../errors";
import { deleteByokRecord, getByokRecord, type StoredKey } from "../store/byokConfigs";
import { byokDataKeys, countByokDataKeys, describeMessages, markUnreadable, rewrapDataKey } from "../store/dataKeys";
import { appendEvent } from "../store/events";
import { failureText, type ByokService } from "./byokService";

/** Failures that mean "not reachable now", as opposed to "the key refuses". */
const TRANSIENT: ReadonlySet<CustomerKeyError["kind"]> = new Set(["unavailable", "timeout"]);

/** Re-wraps and removes the configuration; refuses (conflict) when the customer key fails and `force` is off. */
export async function revertToPlatform(ctx: PlatformContext, byok: ByokService, envelope: Envelope, accountId: string, force: boolean): Promise<DeleteByokResponse> {
  const rec = getByokRecord(ctx.db, accountId);
  if (!rec) {
    // Idempotent: a second DELETE (or a retry after a lost answer) finds nothing to do.
    return { reverted: false, rewrappedDataKeys: 0, unreadableDataKeys: 0, unreadableMessages: 0 };
  }
  if (byok.reverting.has(accountId)) throw new ConflictError("conflict", "a revert is already running for this account: wait for it to finish");
  byok.reverting.add(accountId);
  // Evicting the account's cached keys settles their exact message counts.
  envelope.forget(accountId);
  let rewrapped = 0;
  let unreadableKeys = 0;
  let unreadableMessages = 0;
  let messagesExact = true;
  try {
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
            throw new UnavailableError("customer_key_unavailable", `the customer key service did not answer (${failureText(err)}); nothing more was re-wrapped (${rewrapped} so far). Retry the DELETE when it is reachable; force gives up only data keys the customer key refuses`, {
              details: { rewrappedSoFar: rewrapped },
              retryAfterSeconds: 30,
            });
          }
          if (!force) {
            const pending = countByokDataKeys(ctx.db, accountId);
            throw new ConflictError(
              "conflict",
              `the customer key no longer unwraps this account's data (${failureText(err)}); ${pending.keys} data keys protecting ${describeMessages(pending)} would become unreadable. Restore access to the key and retry, or DELETE with ?force=true to revert anyway and record the loss`,
              { details: { affectedDataKeys: pending.keys, affectedMessages: pending.messages, affectedMessagesExact: pending.exact, rewrappedSoFar: rewrapped } },
            );
          }
          results.push({ id: row.id, messages: row.messages, exact: row.counted_exactly === 1 });
        }
      }
      const pk = ctx.keyring.current(accountId);
      ctx.db.transaction(() => {
        for (const r of results) {
          if (r.plain) {
            const w = wrapUnderPlatform(pk, r.id, r.plain);
            rewrapDataKey(ctx.db, r.id, "platform", w.keyRef, w.keyVersion, w.wrapped);
            rewrapped++;
          } else {
            markUnreadable(ctx.db, r.id);
            unreadableKeys++;
            unreadableMessages += r.messages;
            if (!r.exact) messagesExact = false;
          }
        }
      })();
    }
    const now = ctx.clock.now();
    ctx.db.transaction(() => {
      if (unreadableKeys > 0) {
        appendEvent(ctx.db, accountId, "byok.data-unreadable", now, { dataKeys: unreadableKeys, messages: unreadableMessages, messagesExact, keyRef: describeKey(rec), forced: true });
      }
      deleteByokRecord(ctx.db, accountId);
      appendEvent(ctx.db, accountId, "byok.reverted", now, { provider: rec.provider, rewrappedDataKeys: rewrapped, unreadableDataKeys: unreadableKeys, forced: force });
    })();
    byok.invalidate(accountId);
    byok.pool.forget(accountId);
    return { reverted: true, rewrappedDataKeys: rewrapped, unreadableDataKeys: unreadableKeys, unreadableMessages };
  } finally {
    byok.invalidate(accountId);
    byok.reverting.delete(accountId);
  }
}

function describeKey(key: StoredKey): string {
  return key.provider === "aws" ? key.reference.keyArn : `${key.reference.vaultUrl}keys/${key.reference.keyName}`;
}

