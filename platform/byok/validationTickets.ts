/**
 * Validation ids: `byok:validate` hands one out for a successful validation, and `PUT .../byok`
 * may present it to store that validation instead of repeating the round trip to the customer's
 * KMS (a Pulumi preview's dry run followed by the apply, or a UI that validates before saving).
 *
 * An id is 192 random bits, so it cannot be guessed; it is bound to the account and to exactly the
 * key reference that was validated, lives `VALIDATION_ID_TTL_MS`, and is used at most once. The
 * platform keeps ids in memory only: after a restart an id is unknown, and the PUT validates again.
 */
import { randomBytes } from "node:crypto";
import type { Validation } from "../../sdk/schemas";
import type { Clock } from "../clock";

/** How long a validation id can be presented: long enough for a preview's confirmation prompt. */
export const VALIDATION_ID_TTL_MS = 10 * 60_000;

/** Most ids kept at once; the oldest go first, so a flood of dry runs cannot grow memory without bound. */
const MAX_TICKETS = 10_000;

interface Ticket {
  readonly accountId: string;
  readonly key: string;
  readonly validation: Validation;
  readonly keyVersionInUse: string | null;
  readonly expiresAt: number;
}

/** What a redeemed id stands for: the validation, and the key version it found current. */
export type RedeemedValidation = Pick<Ticket, "validation" | "keyVersionInUse">;

/** The issued, unused validation ids. */
export class ValidationTickets {
  readonly #tickets = new Map<string, Ticket>();

  constructor(private readonly clock: Clock) {}

  /** Issues an id for a successful validation of `key` (a canonical key reference) for `accountId`. */
  issue(accountId: string, key: string, validation: Validation, keyVersionInUse: string | null = null): { id: string; expiresAt: number } {
    const now = this.clock.now();
    for (const [id, t] of this.#tickets) if (t.expiresAt <= now || this.#tickets.size >= MAX_TICKETS) this.#tickets.delete(id);
    const id = `val_${randomBytes(24).toString("base64url")}`;
    const expiresAt = now + VALIDATION_ID_TTL_MS;
    this.#tickets.set(id, { accountId, key, validation, keyVersionInUse, expiresAt });
    return { id, expiresAt };
  }

  /**
   * The validation an id stands for, when it was issued for this account and exactly this key and
   * has not expired; the id is used up either way. Anything else is undefined: validate again.
   */
  redeem(id: string | undefined, accountId: string, key: string): RedeemedValidation | undefined {
    if (id === undefined) return undefined;
    const t = this.#tickets.get(id);
    if (!t || t.accountId !== accountId) return undefined;
    this.#tickets.delete(id);
    return t.key === key && this.clock.now() < t.expiresAt ? { validation: t.validation, keyVersionInUse: t.keyVersionInUse } : undefined;
  }
}
