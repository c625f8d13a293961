/** The append-only audit trail of an account's key management. */
import { z } from "zod";
import { AccountId, Timestamp } from "./formats";

/** Every kind of event the platform records. */
export const EventType = z.enum([
  "account.created",
  "platform-key.created",
  "platform-key.rotated",
  "byok.validated",
  "byok.configured",
  "byok.updated",
  "byok.activated",
  "byok.fallback",
  "byok.recovered",
  "byok.revert-started",
  "byok.revert-progress",
  "byok.revert-resumed",
  "byok.revert-stopped",
  "byok.reverted",
  "byok.data-unreadable",
]);
/** Every kind of event the platform records. */
export type EventType = z.infer<typeof EventType>;

/** One audit event; `seq` increases strictly within the platform. */
export const KeyEvent = z.strictObject({
  seq: z.number().int().positive(),
  accountId: AccountId,
  type: EventType,
  at: Timestamp,
  data: z.record(z.string(), z.unknown()),
});
/** One audit event. */
export type KeyEvent = z.infer<typeof KeyEvent>;

/** `GET .../key-management/events?after=<seq>&limit=<n>` answer. */
export const EventsResponse = z.strictObject({
  events: z.array(KeyEvent),
  nextAfter: z.number().int().nonnegative().nullable(),
});
/** A page of audit events. */
export type EventsResponse = z.infer<typeof EventsResponse>;
