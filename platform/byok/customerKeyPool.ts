/**
 * One CustomerKey client per account and customer-key configuration (provider + reference), so
 * assumed-role credentials and connections are reused, and data keys wrapped under an earlier
 * configuration are still unwrapped with the configuration that wrapped them.
 */
import type { CustomerKey } from "../customer-keys/types";
import type { PlatformContext } from "../context";
import { accountById } from "../store/accounts";
import { canonicalJson } from "../../sdk/schemas";
import type { StoredKey } from "../store/byokConfigs";

/** The part of a configuration that decides which key and credentials are used. */
export type WrapConfig = StoredKey;

/** Canonical JSON of a wrap config (only provider and reference, also when given a whole record): stored on each BYOK data key, and the pool's cache key. */
export function wrapConfigKey(config: WrapConfig): string {
  return canonicalJson({ provider: config.provider, reference: config.reference });
}

/** Caches CustomerKey clients by account and wrap config. */
export class CustomerKeyPool {
  readonly #clients = new Map<string, CustomerKey>();
  /**
   * Each config object's slot: `for` runs per encrypted message, and building the slot (canonical
   * JSON, then a fresh string to hash) costs microseconds; a kept string keeps its hash. Configs
   * are never mutated (a change is a new record).
   */
  readonly #slots = new WeakMap<WrapConfig, { readonly accountId: string; readonly slot: string }>();

  constructor(private readonly ctx: PlatformContext) {}

  /** The client for an account's configuration, built on first use. */
  for(accountId: string, config: WrapConfig): CustomerKey {
    let memo = this.#slots.get(config);
    if (memo === undefined || memo.accountId !== accountId) {
      memo = { accountId, slot: `${accountId}|${wrapConfigKey(config)}` };
      this.#slots.set(config, memo);
    }
    const slot = memo.slot;
    let key = this.#clients.get(slot);
    if (!key) {
      key = this.build(accountId, config);
      this.#clients.set(slot, key);
    }
    return key;
  }

  /** A fresh client, not cached (dry runs). */
  build(accountId: string, config: WrapConfig): CustomerKey {
    const account = accountById(this.ctx.db, accountId);
    if (!account) throw new Error(`account ${accountId} vanished`);
    return this.ctx.customerKeys(accountId, config, { externalId: account.external_id });
  }

  /** Forgets an account's clients. */
  forget(accountId: string): void {
    for (const slot of [...this.#clients.keys()]) if (slot.startsWith(`${accountId}|`)) this.#clients.delete(slot);
  }
}
