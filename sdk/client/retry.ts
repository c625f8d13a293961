/** Retry policy: which failures are worth another attempt, and how long to wait. */

/** Knobs for retries; every call shares them. */
export interface RetryOptions {
  /** Attempts in total, including the first. @default 4 */
  readonly maxAttempts?: number;
  /** Base delay of the exponential backoff, in ms. @default 200 */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts, in ms; also caps `Retry-After`. @default 10000 */
  readonly maxDelayMs?: number;
}

/** HTTP statuses that mean "try again later": https://developer.mozilla.org/docs/Web/HTTP/Status */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Parses `Retry-After` (delta-seconds or an HTTP date) into ms from `now`, or undefined. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Full-jitter exponential backoff (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * a random wait in [0, min(max, base·2^attempt)], or the server's Retry-After when it gave one.
 */
export function backoffDelay(attempt: number, opts: Required<RetryOptions>, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, opts.maxDelayMs);
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Fills in the defaults. */
export function retryDefaults(opts: RetryOptions = {}): Required<RetryOptions> {
  return { maxAttempts: opts.maxAttempts ?? 4, baseDelayMs: opts.baseDelayMs ?? 200, maxDelayMs: opts.maxDelayMs ?? 10_000 };
}
