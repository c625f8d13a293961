/**
 * Envelope encryption of account content (root key → platform or customer key → data key): a cached AES-256 data
 * key encrypts many messages; the data key is stored wrapped by the platform key or the
 * customer key, committed before any ciphertext that uses it is returned.
 */
import { randomBytes } from "node:crypto";
import type { KeySource } from "../../sdk/schemas";
import { CustomerKeyError } from "../customer-keys/types";
import type { ByokService } from "../byok/byokService";
import { wrapConfigKey } from "../byok/customerKeyPool";
import type { PlatformContext } from "../context";
import { KEY_BYTES, open, sealWithPrefix } from "../crypto/aead";
import { contentAad, encodeHeader, parseCiphertext } from "../crypto/ciphertextFormat";
import { DependencyFailedError, InvalidContentError } from "../errors";
import { dataKeyById, insertDataKey, reserveMessages, settleMessages } from "../store/dataKeys";
import { DataKeyCache, type CachedKey } from "./dataKeyCache";
import { unwrapUnderPlatform, wrapUnderPlatform } from "./platformWrap";

interface KeyMeta {
  readonly accountId: string;
  readonly source: KeySource;
  readonly keyVersion: string;
}

/** The result of encrypt or decrypt. */
export interface ContentResult {
  readonly data: Buffer;
  readonly keySource: KeySource;
  readonly keyVersion: string;
}

/** Encrypts and decrypts content with cached data keys. */
export class Envelope {
  /** Data keys for new content, one slot per account and wrapping key. */
  readonly encryptCache: DataKeyCache<KeyMeta>;
  /** Unwrapped data keys for decryption, by data key id. */
  readonly decryptCache: DataKeyCache<KeyMeta>;
  readonly #byokEncryptCache: DataKeyCache<KeyMeta>;
  readonly #inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly byok: ByokService,
  ) {
    const now = () => ctx.clock.now();
    // Platform and BYOK data keys have separate bounds: the BYOK max age is also how long a revoked key keeps working.
    this.encryptCache = new DataKeyCache<KeyMeta>(ctx.settings.platformCache, now, (e) => this.#settle(e));
    this.decryptCache = new DataKeyCache<KeyMeta>(ctx.settings.byokCache, now);
    this.#byokEncryptCache = new DataKeyCache<KeyMeta>(ctx.settings.byokCache, now, (e) => this.#settle(e));
  }

  /** Encrypts `plaintext` for `accountId` with the effective key. */
  async encrypt(accountId: string, plaintext: Buffer): Promise<{ ciphertext: Buffer; keySource: KeySource; keyVersion: string }> {
    const entry = await this.#dataKeyForEncrypt(accountId);
    // A customer-wrapped key's count is durable before its ciphertext is returned: a crash may
    // overcount by part of a block, never undercount what a revert would report as lost.
    if (entry.meta.source !== "platform" && entry.uses >= entry.reserved) {
      entry.reserved = this.#reservation(entry.uses);
      reserveMessages(this.ctx.db, entry.id, entry.reserved);
    }
    const header = encodeHeader(entry.id);
    const ciphertext = sealWithPrefix(entry.key, plaintext, contentAad(header, accountId), header);
    entry.uses++;
    return { ciphertext, keySource: entry.meta.source, keyVersion: entry.meta.keyVersion };
  }

  /** Decrypts a ciphertext of `accountId`. */
  async decrypt(accountId: string, ciphertext: Buffer): Promise<ContentResult> {
    const parsed = parseCiphertext(ciphertext);
    if ("error" in parsed) throw new InvalidContentError("decryption_failed", `ciphertext: ${parsed.error}`, { field: "ciphertext" });
    const slot = `${accountId}|${parsed.dataKeyId}`;
    const entry = this.decryptCache.get(slot) ?? (await this.#loadForDecrypt(accountId, parsed.dataKeyId, slot));
    let data: Buffer;
    try {
      data = open(entry.key, parsed.sealed, contentAad(parsed.header, accountId));
    } catch {
      throw new InvalidContentError("decryption_failed", "ciphertext: failed its integrity check (modified, truncated or bound to another account): pass the ciphertext exactly as content:encrypt returned it", {
        field: "ciphertext",
      });
    }
    return { data, keySource: entry.meta.source, keyVersion: entry.meta.keyVersion };
  }

  /** Drops every cached key of an account (revert, key change). */
  forget(accountId: string): void {
    const prefix = `${accountId}|`;
    this.encryptCache.deletePrefix(prefix);
    this.#byokEncryptCache.deletePrefix(prefix);
    this.decryptCache.deletePrefix(prefix);
  }

  /** Writes the exact message counts of every cached key (on shutdown; eviction does it per key). */
  flushCounters(): void {
    for (const e of this.encryptCache.entries()) this.#settle(e);
    for (const e of this.#byokEncryptCache.entries()) this.#settle(e);
  }

  /** The count to reserve for a customer-wrapped key used `uses` times: one more block, never past the key's message bound. */
  #reservation(uses: number): number {
    return Math.min(uses + this.ctx.settings.messageCountBlock, this.ctx.settings.byokCache.maxMessages);
  }

  /** The key leaves the cache: its count becomes exact. A use after this reserves again (an upper bound). */
  #settle(e: CachedKey<KeyMeta>): void {
    settleMessages(this.ctx.db, e.id, e.uses);
    e.reserved = e.uses;
  }

  async #dataKeyForEncrypt(accountId: string): Promise<CachedKey<KeyMeta>> {
    const choice = this.byok.selectForEncrypt(accountId);
    if (choice.kind === "byok") {
      const slot = `${accountId}|byok|${choice.record.etag}`;
      const hit = this.#byokEncryptCache.get(slot);
      if (hit) return hit;
      try {
        return await this.#once(slot, async () => {
          const dk = await choice.key.generateDataKey();
          // A revert may have finished while KMS answered: a data key stored now would be
          // customer-wrapped after the revert said none are left. Use the platform key instead.
          if (this.byok.isReverting(accountId) || !this.byok.record(accountId)) {
            dk.plaintext.fill(0);
            throw new RevertedMeanwhile();
          }
          const id = newDataKeyId();
          insertDataKey(this.ctx.db, {
            id,
            account_id: accountId,
            source: choice.key.source,
            key_ref: dk.keyRef,
            key_version: dk.keyVersion,
            wrapped_key: dk.wrapped,
            created_at: this.ctx.clock.now(),
            wrap_config: wrapConfigKey(choice.record),
            reservedMessages: this.#reservation(0),
          });
          this.byok.reportHealthy(accountId);
          this.byok.noteKeyVersion(accountId, dk.keyVersion);
          return this.#byokEncryptCache.set(slot, { id, key: dk.plaintext, createdAt: this.ctx.clock.now(), reserved: this.#reservation(0), meta: { accountId, source: choice.key.source, keyVersion: dk.keyVersion } });
        });
      } catch (err) {
        if (err instanceof RevertedMeanwhile) {
          // fall through to the platform key
        } else if (err instanceof CustomerKeyError) {
          // When the customer key is not available, new content falls back to the platform key.
          this.byok.reportFailure(accountId, err);
        } else {
          throw err;
        }
      }
    }
    const pk = this.ctx.keyring.current(accountId);
    const slot = `${accountId}|platform|${pk.version}`;
    const hit = this.encryptCache.get(slot);
    if (hit) return hit;
    const id = newDataKeyId();
    const key = randomBytes(KEY_BYTES);
    const w = wrapUnderPlatform(pk, id, key);
    insertDataKey(this.ctx.db, { id, account_id: accountId, source: "platform", key_ref: w.keyRef, key_version: w.keyVersion, wrapped_key: w.wrapped, created_at: this.ctx.clock.now() });
    return this.encryptCache.set(slot, { id, key, createdAt: this.ctx.clock.now(), meta: { accountId, source: "platform", keyVersion: w.keyVersion } });
  }

  async #loadForDecrypt(accountId: string, dataKeyId: string, slot: string): Promise<CachedKey<KeyMeta>> {
    const row = dataKeyById(this.ctx.db, accountId, dataKeyId);
    if (!row) {
      throw new InvalidContentError("decryption_failed", `ciphertext: its data key ${dataKeyId} does not belong to account ${accountId}: decrypt it with the account that encrypted it`, { field: "ciphertext" });
    }
    if (row.unreadable) {
      throw new DependencyFailedError("customer_key_unavailable", `customer key unavailable: data key ${dataKeyId} was wrapped by ${row.key_ref}, which no longer unwraps it (recorded when BYOK was force-reverted)`);
    }
    let key: Buffer;
    if (row.source === "platform") {
      key = unwrapUnderPlatform(this.ctx.keyring, accountId, row.id, row.key_ref, row.wrapped_key);
    } else {
      key = await this.#once(`unwrap|${slot}`, () => this.byok.unwrap(accountId, row));
    }
    return this.decryptCache.set(slot, { id: row.id, key, createdAt: this.ctx.clock.now(), meta: { accountId, source: row.source, keyVersion: row.key_version } });
  }

  /** Runs one `make` per slot at a time, so a burst of misses makes one KMS call. */
  async #once<T>(slot: string, make: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(slot) as Promise<T> | undefined;
    if (running) return running;
    const p = make().finally(() => this.#inflight.delete(slot));
    this.#inflight.set(slot, p);
    return p;
  }
}

/** The BYOK configuration went away while a data key was being generated. */
class RevertedMeanwhile extends Error {}

/** A new data key id. */
export function newDataKeyId(): string {
  return `dk-${randomBytes(12).toString("hex")}`;
}
