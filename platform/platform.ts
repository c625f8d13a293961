/**
 * The local reference platform: accounts, platform-managed keys rotated every 90 days,
 * BYOK with fallback, envelope encryption and the audit trail, over one SQLite store.
 */
import type { ByokRegistration, StoredByokConfiguration, CreateAccountResponse, DeleteByokResponse, KeyEvent, KeyManagementState, PatchByokRequest, PutByokRequest, TrustResponse } from "../sdk/schemas";
import { ByokService, type PutPreconditions } from "./byok/byokService";
import { azureTestOf } from "./byok/azureTestOverrides";
import { defaultCustomerKeys } from "./byok/customerKeys";
import { revertToPlatform } from "./byok/revert";
import { effectiveSource, fallbackOf, toWire } from "./byok/status";
import { systemClock, type Clock } from "./clock";
import { Envelope } from "./content/envelope";
import type { CustomerKeyFactory, Logger, PlatformContext, PlatformSettings } from "./context";
import { openDataDir, type OpenDataDir } from "./dataDir";
import { NotFoundError } from "./errors";
import { PlatformKeyring } from "./platformKeyring";
import { accountById, allAccountIds, insertAccount } from "./store/accounts";
import type { Db } from "./store/db";
import { appendEvent, listEvents } from "./store/events";
import { accountsReverting } from "./store/byokConfigs";

/** How to build a Platform. Every field but `dataDir` has a default. */
export interface PlatformOptions {
  /** Directory of the SQLite store and the generated root key. */
  readonly dataDir: string;
  /** Base64 root key; default `<dataDir>/root.key`, generated with mode 0600 for a new platform. */
  readonly rootKey?: string;
  /** Start a new, empty platform under an existing root key (`--init`); refused over an existing database. @default false */
  readonly init?: boolean;
  /** The clock; tests inject a ManualClock. @default the wall clock */
  readonly clock?: Clock;
  /** Settings; see PlatformSettings. */
  readonly settings?: Partial<PlatformSettings>;
  /** Builds customer key clients. @default AWS KMS and Azure Key Vault through their SDKs */
  readonly customerKeys?: CustomerKeyFactory;
  /** Log sink. @default JSON lines on stderr */
  readonly log?: Logger;
}

/** Default settings (platform keys rotate every 90 days; cache bounds after the AWS Encryption SDK's caching CMM). */
export function defaultSettings(env: NodeJS.ProcessEnv = process.env): PlatformSettings {
  // AES-GCM with random 96-bit IVs stays far below NIST SP 800-38D's 2^32 messages per key.
  const maxMessages = envInt(env, "EKM_DATA_KEY_MAX_MESSAGES", 4096);
  const maxEntries = envInt(env, "EKM_DATA_KEY_CACHE_ENTRIES", 10_000);
  return {
    rotationPeriodDays: 90,
    platformCache: { maxAgeMs: envInt(env, "EKM_DATA_KEY_MAX_AGE_MS", 300_000), maxMessages, maxEntries },
    byokCache: { maxAgeMs: envInt(env, "EKM_BYOK_CACHE_MAX_AGE_MS", 300_000), maxMessages, maxEntries },
    awsPrincipalArn: env.EKM_AWS_PRINCIPAL_ARN || undefined,
    azureClientId: env.EKM_AZURE_CLIENT_ID || undefined,
    azureClientSecret: env.EKM_AZURE_CLIENT_SECRET || undefined,
    allowVaultHosts: [],
    inspectTrustPolicy: env.EKM_INSPECT_TRUST_POLICY === "1" || env.EKM_INSPECT_TRUST_POLICY === "true",
    recheck: { baseMs: 1_000, maxMs: 60_000 },
    rewrapBatchSize: envInt(env, "EKM_REWRAP_BATCH_SIZE", 100),
    messageCountBlock: envInt(env, "EKM_MESSAGE_COUNT_BLOCK", 1024),
  };
}

/** Reads a whole number (ms or a count) from the environment, with a message naming the variable on bad input. */
function envInt(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new Error(`${name} must be a whole number, received ${JSON.stringify(raw)}: unset it for the default ${dflt}`);
  }
  return n;
}

/** Writes a JSON log line to stderr. */
export const stderrLogger: Logger = (level, message, fields = {}) => {
  process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`);
};

/** The platform's operations, independent of HTTP. */
export class Platform {
  readonly db: Db;
  readonly ctx: PlatformContext;
  readonly byok: ByokService;
  readonly envelope: Envelope;

  readonly #store: OpenDataDir;

  constructor(options: PlatformOptions) {
    const settings = { ...defaultSettings(), ...options.settings };
    // Bad test overrides stop the start, before the store is opened (TypeError naming the field).
    azureTestOf(settings);
    this.#store = openDataDir(options.dataDir, { rootKey: options.rootKey, init: options.init });
    this.db = this.#store.db;
    const rootKey = this.#store.rootKey;
    const clock = options.clock ?? systemClock;
    const log = options.log ?? stderrLogger;
    this.ctx = {
      db: this.db,
      clock,
      settings,
      log,
      keyring: new PlatformKeyring(this.db, rootKey, clock, settings.rotationPeriodDays),
      customerKeys: options.customerKeys ?? defaultCustomerKeys(settings, {}, log),
    };
    this.byok = new ByokService(this.ctx);
    this.envelope = new Envelope(this.ctx, this.byok);
  }

  /** Creates an account with its first platform key version. */
  createAccount(name: string | undefined): CreateAccountResponse {
    const now = this.ctx.clock.now();
    return this.db.transaction(() => {
      const { account, token } = insertAccount(this.db, name, now);
      appendEvent(this.db, account.id, "account.created", now, name ? { name } : {});
      this.ctx.keyring.create(account.id);
      return { accountId: account.id, token };
    })();
  }

  /** Throws NotFoundError unless the account exists. */
  requireAccount(accountId: string): void {
    if (!accountById(this.db, accountId)) throw new NotFoundError("not_found", `account ${accountId} not found`);
  }

  /** The account's key-management state. */
  state(accountId: string): KeyManagementState {
    const now = this.ctx.clock.now();
    const rec = this.byok.record(accountId);
    const fallback = rec ? fallbackOf(rec, now, this.byok.reverting.has(accountId)) : null;
    return {
      accountId,
      mode: rec ? "byok" : "platform-managed",
      effectiveKeySource: fallback ? "platform-fallback" : effectiveSource(rec, now),
      fallback,
      platformKey: this.ctx.keyring.info(accountId),
      byok: rec ? toWire(rec, now) : null,
    };
  }

  /**
   * Registers a BYOK configuration (`PUT .../byok`). The answer is the whole registration: the
   * stored configuration plus which key protects new content now and the platform key version.
   */
  async register(accountId: string, req: PutByokRequest, preconditions: PutPreconditions): Promise<{ config: ByokRegistration; created: boolean }> {
    const { config, created } = await this.byok.put(accountId, req, preconditions);
    return { config: this.#registration(accountId, config), created };
  }

  /** Changes nickname or activation date (`PATCH .../byok`), answering the whole registration. */
  change(accountId: string, patch: PatchByokRequest, ifMatch: string | undefined): ByokRegistration {
    return this.#registration(accountId, this.byok.patch(accountId, patch, ifMatch));
  }

  #registration(accountId: string, config: StoredByokConfiguration): ByokRegistration {
    const state = this.state(accountId);
    return { ...config, effectiveKeySource: state.effectiveKeySource, fallback: state.fallback, platformKeyVersion: state.platformKey.version };
  }

  /** The account's audit events after `after`. */
  events(accountId: string, after: number, limit: number): KeyEvent[] {
    return listEvents(this.db, accountId, after, limit);
  }

  /** What the customer must trust. */
  trust(accountId: string): TrustResponse {
    const account = accountById(this.db, accountId)!;
    const { awsPrincipalArn, azureClientId } = this.ctx.settings;
    return {
      accountId,
      aws: awsPrincipalArn ? { principalArn: awsPrincipalArn, externalId: account.external_id } : null,
      azure: azureClientId ? { applicationId: azureClientId } : null,
    };
  }

  /** Reverts to platform-managed keys. */
  async revert(accountId: string, force: boolean): Promise<DeleteByokResponse> {
    return revertToPlatform(this.ctx, this.byok, this.envelope, accountId, { by: "request", force });
  }

  /** Resumes every revert a crash interrupted (at start, and on each maintenance tick); failures go to the log. */
  async resumeReverts(by: "start" | "maintenance"): Promise<void> {
    for (const accountId of accountsReverting(this.db)) {
      if (this.byok.reverting.has(accountId)) continue;
      try {
        const r = await revertToPlatform(this.ctx, this.byok, this.envelope, accountId, { by });
        if (r.reverted) this.ctx.log("info", "resumed revert finished", { accountId, by, ...r });
      } catch (err) {
        this.ctx.log("warn", "resumed revert did not finish; the account stays reverting unless the key refused without force", { accountId, by, error: (err as Error).message });
      }
    }
  }

  /** Periodic work: rotations that are due, interrupted reverts, activations and fallback rechecks. */
  async tick(): Promise<void> {
    for (const accountId of allAccountIds(this.db)) this.ctx.keyring.current(accountId);
    await this.resumeReverts("maintenance");
    await this.byok.tick(async (accountId) => {
      // A probe is a real encrypt of nothing: it takes the BYOK path, and recovers or stays in fallback.
      await this.envelope.encrypt(accountId, Buffer.alloc(0));
    });
  }

  /** Flushes counters and closes the store. */
  close(): void {
    this.envelope.flushCounters();
    this.#store.close();
  }
}
