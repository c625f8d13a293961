/** Time, injectable so tests can move 90 days forward without waiting. */

/** A source of the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number | Date = Date.now()) {
    this.#now = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** Sets the clock to `at`. */
  set(at: number | Date): void {
    this.#now = typeof at === "number" ? at : at.getTime();
  }
}

/** One day in ms. */
export const DAY_MS = 86_400_000;

/** ISO-8601 text of an epoch-ms time. */
export const iso = (ms: number): string => new Date(ms).toISOString();
