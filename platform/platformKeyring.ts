/**
 * Platform-managed keys: one AES-256 key per account, a new version every 90 days. Old
 * versions stay to unwrap the data keys they wrapped; nothing in customers' hands is
 * re-encrypted on rotation.
 */
import { randomBytes } from "node:crypto";
import { DAY_MS, iso, type Clock } from "./clock";
import { KEY_BYTES, open, seal } from "./crypto/aead";
import type { Db } from "./store/db";
import { appendEvent } from "./store/events";
import { currentPlatformKey, insertPlatformKey, platformKeyVersion, type PlatformKeyRow } from "./store/platformKeys";
import type { PlatformKeyInfo } from "../sdk/schemas";

/** An unwrapped platform key version. */
export interface PlatformKey {
  readonly accountId: string;
  readonly version: number;
  readonly key: Buffer;
  readonly createdAt: number;
}

/** Wraps platform keys under the root key, rotates them and caches the unwrapped versions. */
export class PlatformKeyring {
  readonly #cache = new Map<string, PlatformKey>();
  /** The current version of each account, so encrypts need no store read. */
  readonly #current = new Map<string, PlatformKey>();

  constructor(
    private readonly db: Db,
    private readonly rootKey: Buffer,
    private readonly clock: Clock,
    readonly rotationPeriodDays: number,
  ) {}

  /** Creates version 1 for a new account (inside the caller's transaction). */
  create(accountId: string): PlatformKey {
    return this.#insert(accountId, 1, undefined);
  }

  /** The current version, rotating first when it is `rotationPeriodDays` old. */
  current(accountId: string): PlatformKey {
    const known = this.#current.get(accountId);
    if (known && this.clock.now() - known.createdAt < this.rotationPeriodDays * DAY_MS) return known;
    const row = currentPlatformKey(this.db, accountId);
    if (!row) throw new Error(`account ${accountId} has no platform key`);
    const pk = this.clock.now() - row.created_at >= this.rotationPeriodDays * DAY_MS ? this.rotate(accountId, row) : this.#unwrap(row);
    this.#current.set(accountId, pk);
    return pk;
  }

  /** A specific version, for decryption. */
  version(accountId: string, version: number): PlatformKey | undefined {
    const cached = this.#cache.get(`${accountId}:${version}`);
    if (cached) return cached;
    const row = platformKeyVersion(this.db, accountId, version);
    return row ? this.#unwrap(row) : undefined;
  }

  /** Public facts about the current version. */
  info(accountId: string): PlatformKeyInfo {
    const k = this.current(accountId);
    return {
      version: `pk-${k.version}`,
      createdAt: iso(k.createdAt),
      nextRotationAt: iso(k.createdAt + this.rotationPeriodDays * DAY_MS),
      rotationPeriodDays: this.rotationPeriodDays,
    };
  }

  /** Rotates when due; returns the (possibly new) current version. Concurrent callers see one rotation. */
  rotate(accountId: string, seen: PlatformKeyRow): PlatformKey {
    return this.db.transaction(() => {
      const latest = currentPlatformKey(this.db, accountId);
      // Another caller rotated already: use its version.
      if (latest && latest.version !== seen.version) return this.#unwrap(latest);
      return this.#insert(accountId, seen.version + 1, seen.version);
    })();
  }

  #insert(accountId: string, version: number, previous: number | undefined): PlatformKey {
    const now = this.clock.now();
    const key = randomBytes(KEY_BYTES);
    insertPlatformKey(this.db, { account_id: accountId, version, wrapped_key: seal(this.rootKey, key, aad(accountId, version)), created_at: now });
    appendEvent(this.db, accountId, previous === undefined ? "platform-key.created" : "platform-key.rotated", now, {
      version: `pk-${version}`,
      ...(previous === undefined ? {} : { previousVersion: `pk-${previous}` }),
      rotationPeriodDays: this.rotationPeriodDays,
    });
    const pk = { accountId, version, key, createdAt: now };
    this.#cache.set(`${accountId}:${version}`, pk);
    return pk;
  }

  #unwrap(row: PlatformKeyRow): PlatformKey {
    const slot = `${row.account_id}:${row.version}`;
    const cached = this.#cache.get(slot);
    if (cached) return cached;
    const pk = { accountId: row.account_id, version: row.version, key: open(this.rootKey, row.wrapped_key, aad(row.account_id, row.version)), createdAt: row.created_at };
    this.#cache.set(slot, pk);
    return pk;
  }
}

function aad(accountId: string, version: number): Buffer {
  return Buffer.from(`ekm/platform-key|${accountId}|${version}`, "utf8");
}
