/**
 * History rules: what the platform's events say happened in the window (`--since` to now):
 * time in fallback (an outage that began before the window counts from the window's start),
 * content that became unreadable, and an activation date passed while still pending.
 */
import type { KeyEvent } from "../../sdk";
import type { AccountEvidence, DeclaredByok, Finding } from "../model";
import { byokCloudId, finding } from "./finding";

/** One stretch of fallback, clipped to the window. */
export interface FallbackInterval {
  readonly from: string;
  /** null while still in fallback at the audit's time. */
  readonly to: string | null;
  readonly ms: number;
  readonly reason: string;
  /** seq of the fallback event and of the recovery, when in the window. */
  readonly seqs: readonly number[];
}

/** The fallback stretches in the window, from the fallback and recovery events. */
export function fallbackIntervals(ev: AccountEvidence): FallbackInterval[] {
  const start = Date.parse(ev.since);
  const now = Date.parse(ev.now);
  const out: FallbackInterval[] = [];
  let open: { at: number; reason: string; seq?: number } | undefined;
  const before = ev.platform.before.at(-1);
  if (before?.type === "byok.fallback") open = { at: start, reason: String(before.data.reason ?? "") };
  const close = (to: number | null, seq?: number) => {
    if (!open) return;
    const end = to ?? now;
    out.push({ from: new Date(open.at).toISOString(), to: to === null ? null : new Date(to).toISOString(), ms: Math.max(0, end - open.at), reason: open.reason, seqs: [open.seq, seq].filter((s): s is number => s !== undefined) });
    open = undefined;
  };
  for (const e of ev.platform.events) {
    if (e.type === "byok.fallback" && !open) open = { at: Date.parse(e.at), reason: String(e.data.reason ?? ""), seq: e.seq };
    else if (e.type === "byok.recovered") close(Date.parse(e.at), e.seq);
    else if (e.type === "byok.reverted") close(Date.parse(e.at), e.seq);
  }
  if (open) close(ev.platform.state.fallback ? null : now);
  // In fallback now with no event in the window or before it (a trail cut short): the state's `since` says when it began.
  const current = ev.platform.state.fallback;
  if (current && !out.some((i) => i.to === null)) {
    open = { at: Math.max(start, Date.parse(current.since)), reason: current.reason };
    close(null);
  }
  return out;
}

/** Every history finding of an account. */
export function historyFindings(ev: AccountEvidence, d: DeclaredByok | undefined): Finding[] {
  const resource = { urn: d?.urn, cloudId: byokCloudId(ev.accountId) };
  const out: Finding[] = [];
  const intervals = fallbackIntervals(ev);
  if (intervals.length > 0) {
    const totalMs = intervals.reduce((a, i) => a + i.ms, 0);
    out.push(
      finding("fallbackInWindow", ev, d, {
        resource,
        message: `account ${ev.accountId}: new content used the platform key for ${formatDuration(totalMs)} in ${intervals.length} fallback${intervals.length === 1 ? "" : "s"} since ${ev.since} (${intervals.map((i) => i.reason).join("; ")})`,
        platform: { fallbacks: intervals.length, totalMs, stillInFallback: intervals.some((i) => i.to === null) },
        evidence: { intervals },
      }),
    );
  }
  for (const e of ev.platform.events.filter((x: KeyEvent) => x.type === "byok.data-unreadable")) {
    out.push(finding("dataUnreadable", ev, d, { resource, message: `account ${ev.accountId}: ${String(e.data.dataKeys)} data keys (${String(e.data.messages)} messages) became unreadable at ${e.at}`, platform: e.data, evidence: { seq: e.seq, at: e.at } }));
  }
  const byok = ev.platform.state.byok;
  if (byok?.status === "pending-activation" && Date.parse(byok.activationDate) <= Date.parse(ev.now)) {
    out.push(finding("activationOverdue", ev, d, { resource, message: `account ${ev.accountId}: activationDate ${byok.activationDate} has passed but the status is still pending-activation`, declared: d?.activationDate, platform: { status: byok.status, activationDate: byok.activationDate }, evidence: { now: ev.now } }));
  }
  return out;
}

/** `1 h 2 min 3 s` style, for messages (the finding's values keep the milliseconds). */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 86400), "d"], [Math.floor((s % 86400) / 3600), "h"], [Math.floor((s % 3600) / 60), "min"], [s % 60, "s"]] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, u]) => `${n} ${u}`);
  return shown.length > 0 ? shown.join(" ") : `${ms} ms`;
}
