/**
 * A bounded cache of plaintext data keys, after the AWS Encryption SDK's caching
 * materials manager (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/data-caching-details.html):
 * an entry expires after `maxAgeMs` or `maxMessages` uses, and at most `maxEntries` live
 * at once (least recently used goes first). The max age also bounds how long a revoked
 * customer key keeps working.
 */

/** Bounds of the cache. */
export interface CacheBounds {
  /** Longest life of an entry, in ms. */
  readonly maxAgeMs: number;
  /** Most messages one data key may encrypt. */
  readonly maxMessages: number;
  /** Most entries held at once. */
  readonly maxEntries: number;
}

/** A cached data key. */
export interface CachedKey<M> {
  readonly id: string;
  readonly key: Buffer;
  readonly createdAt: number;
  uses: number;
  /** Uses the store already counts for this key (reserved ahead, so a crash never undercounts). */
  reserved: number;
  readonly meta: M;
}

/** LRU map with age and use bounds. */
export class DataKeyCache<M> {
  readonly #entries = new Map<string, CachedKey<M>>();

  constructor(
    readonly bounds: CacheBounds,
    private readonly now: () => number,
    private readonly onEvict: (entry: CachedKey<M>) => void = () => {},
  ) {}

  /** A live entry for `slot`, or undefined when absent, too old or used up. */
  get(slot: string): CachedKey<M> | undefined {
    const e = this.#entries.get(slot);
    if (!e) return undefined;
    if (this.now() - e.createdAt >= this.bounds.maxAgeMs || e.uses >= this.bounds.maxMessages) {
      this.delete(slot);
      return undefined;
    }
    // Re-insert to mark it most recently used.
    this.#entries.delete(slot);
    this.#entries.set(slot, e);
    return e;
  }

  /** Stores an entry, evicting the least recently used beyond `maxEntries`. */
  set(slot: string, entry: Omit<CachedKey<M>, "uses" | "reserved"> & { reserved?: number }): CachedKey<M> {
    this.delete(slot);
    const e: CachedKey<M> = { ...entry, uses: 0, reserved: entry.reserved ?? 0 };
    this.#entries.set(slot, e);
    while (this.#entries.size > this.bounds.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.delete(oldest);
    }
    return e;
  }

  /** Removes one slot. */
  delete(slot: string): void {
    const e = this.#entries.get(slot);
    if (e) {
      this.#entries.delete(slot);
      this.onEvict(e);
    }
  }

  /** Removes every slot whose name starts with `prefix` (e.g. one account's keys). */
  deletePrefix(prefix: string): void {
    for (const slot of [...this.#entries.keys()]) if (slot.startsWith(prefix)) this.delete(slot);
  }

  /** Every live entry (for flushing counters). */
  entries(): IterableIterator<CachedKey<M>> {
    return this.#entries.values();
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }
}
