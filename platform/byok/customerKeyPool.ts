/** One CustomerKey client per account configuration, so assumed-role credentials and connections are reused. */
import type { CustomerKey } from "../../sdk/kms/types";
import type { PlatformContext } from "../context";
import { accountById } from "../store/accounts";
import type { ByokRecord } from "../store/byokConfigs";

/** Caches CustomerKey clients by account and configuration etag. */
export class CustomerKeyPool {
  readonly #clients = new Map<string, { etag: string; key: CustomerKey }>();

  constructor(private readonly ctx: PlatformContext) {}

  /** The client for `record`, built on first use. */
  for(record: Pick<ByokRecord, "accountId" | "provider" | "reference" | "etag">): CustomerKey {
    const hit = this.#clients.get(record.accountId);
    if (hit && hit.etag === record.etag) return hit.key;
    const key = this.build(record.accountId, record);
    this.#clients.set(record.accountId, { etag: record.etag, key });
    return key;
  }

  /** A fresh client, not cached (dry runs). */
  build(accountId: string, record: Pick<ByokRecord, "provider" | "reference">): CustomerKey {
    const account = accountById(this.ctx.db, accountId);
    if (!account) throw new Error(`account ${accountId} vanished`);
    return this.ctx.customerKeys(accountId, record, { externalId: account.external_id });
  }

  /** Forgets an account's client. */
  forget(accountId: string): void {
    this.#clients.delete(accountId);
  }
}
