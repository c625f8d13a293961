/** The append-only audit trail. */
import type { EventType, KeyEvent } from "../../sdk/schemas";
import { iso } from "../clock";
import type { Db } from "./db";

/** Appends an event; runs inside the caller's transaction when there is one. */
export function appendEvent(db: Db, accountId: string, type: EventType, at: number, data: Record<string, unknown> = {}): number {
  const r = db.prepare("INSERT INTO events (account_id, type, at, data) VALUES (?, ?, ?, ?)").run(accountId, type, at, JSON.stringify(data));
  return Number(r.lastInsertRowid);
}

/** Lists an account's events after `after`, oldest first. */
export function listEvents(db: Db, accountId: string, after: number, limit: number): KeyEvent[] {
  const rows = db.prepare("SELECT seq, account_id, type, at, data FROM events WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?").all(accountId, after, limit) as {
    seq: number;
    account_id: string;
    type: EventType;
    at: number;
    data: string;
  }[];
  return rows.map((r) => ({ seq: r.seq, accountId: r.account_id, type: r.type, at: iso(r.at), data: JSON.parse(r.data) as Record<string, unknown> }));
}

/** The seq of the account's latest event of `type`, or 0. */
export function lastEventSeq(db: Db, accountId: string, type: EventType): number {
  const r = db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE account_id = ? AND type = ?").get(accountId, type) as { seq: number };
  return r.seq;
}

/** The data of the account's events of `type` after `after`, oldest first. */
export function eventsOfTypeSince(db: Db, accountId: string, type: EventType, after: number): Record<string, unknown>[] {
  const rows = db.prepare("SELECT data FROM events WHERE account_id = ? AND type = ? AND seq > ? ORDER BY seq").all(accountId, type, after) as { data: string }[];
  return rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
}
