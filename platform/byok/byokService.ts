/**
 * The BYOK lifecycle of an account: validate, register (idempotent upsert), change,
 * activate on the activation date, fall back to the platform key when the customer key
 * fails, recover, and revert to platform-managed keys.
 */
import { createHash } from "node:crypto";
import { activationDateMs, canonicalJson, type StoredByokConfiguration, type PatchByokRequest, type PutByokRequest, type ValidateByokResponse, type Validation, type ValidationPhase } from "../../sdk/schemas";
import { CustomerKeyError, type CustomerKey } from "../customer-keys/types";
import { iso } from "../clock";
import type { PlatformContext } from "../context";
import { ConflictError, DependencyFailedError, NotFoundError, PreconditionFailedError, PreconditionRequiredError, ValidationFailedError } from "../errors";
import { appendEvent } from "../store/events";
import { accountsWithByok, getByokRecord, readStoredKey, saveByokRecord, setActivated, setFallback, setKeyVersionInUse, storedKeyOf, type ByokRecord, type StoredKey } from "../store/byokConfigs";
import type { DataKeyRow } from "../store/dataKeys";
import { CustomerKeyPool, wrapConfigKey, type WrapConfig } from "./customerKeyPool";
import { byokStatus, toWire } from "./status";
import { ValidationTickets } from "./validationTickets";
import { assertReferenceAllowed, storedReferenceError } from "./referenceRules";

/** The preconditions a PUT may carry. */
export interface PutPreconditions {
  /** Only replace when the stored etag matches. */
  readonly ifMatch?: string;
  /** `*`: only create. */
  readonly ifNoneMatch?: string;
  /** A validation id from `dryRun` for this account and key. */
  readonly validationId?: string;
}

/** Which key new content of an account uses right now. */
export type EncryptChoice = { kind: "platform" } | { kind: "byok"; record: ByokRecord; key: CustomerKey };

/** The BYOK lifecycle. */
export class ByokService {
  readonly pool: CustomerKeyPool;
  /** Accounts whose revert is running: new content uses the platform key meanwhile. */
  readonly reverting = new Set<string>();
  /** Validation ids handed out by `dryRun`. */
  readonly #tickets: ValidationTickets;
  /** Recheck schedule of accounts in fallback. */
  readonly #recheck = new Map<string, { attempts: number; nextAt: number }>();

  constructor(private readonly ctx: PlatformContext) {
    this.pool = new CustomerKeyPool(ctx);
    this.#tickets = new ValidationTickets(ctx.clock);
  }

  /** Stored configurations by account, so encrypts need no store read; `invalidate` after every write. */
  readonly #records = new Map<string, ByokRecord | undefined>();

  /** The stored configuration, or undefined. */
  record(accountId: string): ByokRecord | undefined {
    // Inside a write the store is the truth: the cache is filled only from committed state.
    if (this.ctx.db.inTransaction) return getByokRecord(this.ctx.db, accountId);
    if (this.#records.has(accountId)) return this.#records.get(accountId);
    const rec = getByokRecord(this.ctx.db, accountId);
    this.#records.set(accountId, rec);
    return rec;
  }

  /** Forgets the cached configuration of an account (after a write, or a rolled-back transaction). */
  invalidate(accountId: string): void {
    this.#records.delete(accountId);
  }

  /** The wire form; NotFoundError (byok_not_configured) when there is none. */
  get(accountId: string): StoredByokConfiguration {
    const rec = this.record(accountId);
    if (!rec) throw new NotFoundError("byok_not_configured", `no BYOK configuration for account ${accountId}: the account uses platform-managed keys (PUT .../key-management/byok to bring your own key)`);
    return toWire(rec, this.ctx.clock.now());
  }

  /** Runs the validation chain with real calls and stores nothing. */
  async validate(accountId: string, req: PutByokRequest, phase: ValidationPhase): Promise<Validation> {
    return (await this.#validate(accountId, req, phase)).validation;
  }

  /** The validation, and the key version it found current (Azure; null for AWS or a failed read). */
  async #validate(accountId: string, req: PutByokRequest, phase: ValidationPhase): Promise<{ validation: Validation; keyVersionInUse: string | null }> {
    assertReferenceAllowed(storedKeyOf(req), this.ctx.settings);
    const now = this.ctx.clock.now();
    const key = this.pool.build(accountId, storedKeyOf(req));
    const checks = await key.validate();
    const validation: Validation = { phase, checkedAt: iso(now), ok: checks.length > 0 && checks.every((c) => c.status === "ok"), checks };
    appendEvent(this.ctx.db, accountId, "byok.validated", this.ctx.clock.now(), { phase, provider: req.provider, ok: validation.ok, failed: validation.checks.filter((c) => c.status === "failed").map((c) => c.name) });
    return { validation, keyVersionInUse: key.keyVersionInUse?.() ?? null };
  }

  /** `byok:validate`: a dry run; a successful one carries a validation id the PUT may present. */
  async dryRun(accountId: string, req: PutByokRequest): Promise<ValidateByokResponse> {
    const { validation, keyVersionInUse } = await this.#validate(accountId, req, "dry-run");
    if (!validation.ok) return { validation };
    const { id, expiresAt } = this.#tickets.issue(accountId, wrapConfigKey(storedKeyOf(req)), validation, keyVersionInUse);
    return { validation, validationId: id, validationExpiresAt: iso(expiresAt) };
  }

  /** The registration's validation: the one a valid validation id stands for, or a new round trip. */
  async #registrationValidation(accountId: string, req: PutByokRequest, validationId: string | undefined): Promise<{ validation: Validation; keyVersionInUse: string | null }> {
    const dryRun = this.#tickets.redeem(validationId, accountId, wrapConfigKey(storedKeyOf(req)));
    if (!dryRun) return this.#validate(accountId, req, "registration");
    appendEvent(this.ctx.db, accountId, "byok.validated", this.ctx.clock.now(), { phase: "registration", provider: req.provider, ok: true, failed: [], reusedFrom: dryRun.validation.checkedAt });
    return { validation: { ...dryRun.validation, phase: "registration" }, keyVersionInUse: dryRun.keyVersionInUse };
  }

  /** Refuses a PUT whose If-Match or If-None-Match does not hold (412). */
  #checkPreconditions(existing: ByokRecord | undefined, p: PutPreconditions): void {
    if (p.ifNoneMatch === "*" && existing) {
      throw new PreconditionFailedError("precondition_failed", `If-None-Match: * refused: the account already has a BYOK configuration (etag ${existing.etag}); GET it, then PUT with If-Match to replace it`);
    }
    if (p.ifMatch !== undefined && existing?.etag !== p.ifMatch) {
      throw new PreconditionFailedError("precondition_failed", `If-Match ${p.ifMatch} is stale: the configuration's etag is ${existing?.etag ?? "(none)"}; GET it again and retry`);
    }
  }

  /** Validates, then stores (`created` when new). Nothing is stored when validation fails (ValidationFailedError with the checks). */
  async put(accountId: string, req: PutByokRequest, preconditions: PutPreconditions = {}): Promise<{ config: StoredByokConfiguration; created: boolean }> {
    this.#refuseWhileReverting(accountId);
    // Checked before the round trip too, so a create-only PUT over an existing configuration costs no KMS call.
    this.#checkPreconditions(this.record(accountId), preconditions);
    const { validation, keyVersionInUse } = await this.#registrationValidation(accountId, req, preconditions.validationId);
    if (!validation.ok) {
      const failed = validation.checks.filter((c) => c.status === "failed");
      throw new ValidationFailedError("key_validation_failed", `the key failed validation, nothing was stored: ${failed.map((c) => `${c.name}: ${c.message}`).join("; ")}`, {
        checks: validation.checks,
        field: req.provider,
      });
    }
    const now = this.ctx.clock.now();
    const etag = etagOf(storedKeyOf(req), req.nickname, req.activationDate);
    // Check-and-write in one transaction, so concurrent PUTs end in one consistent configuration.
    return this.#writing(accountId, () => {
      // Checked again here: a revert may have started while the key was being validated.
      this.#refuseWhileReverting(accountId);
      const existing = this.record(accountId);
      this.#checkPreconditions(existing, preconditions);
      const sameKey = existing !== undefined && wrapConfigKey(existing) === wrapConfigKey(storedKeyOf(req));
      const rec: ByokRecord = {
        ...storedKeyOf(req),
        accountId,
        nickname: req.nickname,
        activationDate: req.activationDate,
        validation,
        etag,
        activatedAt: sameKey && existing.activationDate === req.activationDate ? existing.activatedAt : null,
        fallbackReason: null,
        fallbackSince: null,
        createdAt: existing?.createdAt ?? now,
        updatedAt: existing && existing.etag === etag ? existing.updatedAt : now,
        revertingSince: null,
        revertingForce: false,
        keyVersionInUse: req.provider === "azure" ? (req.azure.keyVersion?.toLowerCase() ?? keyVersionInUse) : null,
      };
      saveByokRecord(this.ctx.db, rec);
      if (existing && existing.fallbackSince !== null) {
        // The key just passed a full validation: the fallback ends here, and the trail says so.
        appendEvent(this.ctx.db, accountId, "byok.recovered", now, { after: `${now - existing.fallbackSince} ms`, since: iso(existing.fallbackSince), by: "registration" });
        this.#recheck.delete(accountId);
      }
      if (!existing || existing.etag !== etag) {
        appendEvent(this.ctx.db, accountId, existing ? "byok.updated" : "byok.configured", now, { provider: req.provider, nickname: req.nickname, activationDate: req.activationDate, etag, keyChanged: !sameKey });
      }
      if (!sameKey) this.#recheck.delete(accountId);
      this.#activateIfDue(rec, now);
      return { config: toWire(this.record(accountId) as ByokRecord, now), created: !existing };
    });
  }

  /** Changes nickname or activation date; `ifMatch` is required. */
  patch(accountId: string, patch: PatchByokRequest, ifMatch: string | undefined): StoredByokConfiguration {
    if (ifMatch === undefined) throw new PreconditionRequiredError("precondition_required", "If-Match is required: send the etag from GET .../byok so concurrent changes are not lost");
    const now = this.ctx.clock.now();
    return this.#writing(accountId, () => {
      this.#refuseWhileReverting(accountId);
      const rec = this.record(accountId);
      if (!rec) throw new NotFoundError("byok_not_configured", `no BYOK configuration for account ${accountId}: PUT one first`);
      if (rec.etag !== ifMatch) throw new PreconditionFailedError("precondition_failed", `If-Match ${ifMatch} is stale: the configuration's etag is ${rec.etag}; GET it again and retry`);
      const nickname = patch.nickname ?? rec.nickname;
      const activationDate = patch.activationDate ?? rec.activationDate;
      const next: ByokRecord = {
        ...rec,
        nickname,
        activationDate,
        etag: etagOf(rec, nickname, activationDate),
        activatedAt: activationDate === rec.activationDate ? rec.activatedAt : null,
        updatedAt: now,
      };
      saveByokRecord(this.ctx.db, next);
      appendEvent(this.ctx.db, accountId, "byok.updated", now, { nickname, activationDate, etag: next.etag, keyChanged: false });
      this.#activateIfDue(next, now);
      return toWire(this.record(accountId) as ByokRecord, now);
    });
  }

  /** True while a revert runs here or is stored as in progress (a crash interrupted it). */
  isReverting(accountId: string): boolean {
    return this.reverting.has(accountId) || (this.record(accountId)?.revertingSince ?? null) !== null;
  }

  #refuseWhileReverting(accountId: string): void {
    if (this.isReverting(accountId)) throw new ConflictError("conflict", "a revert to platform-managed keys is running for this account: retry when DELETE .../byok has finished");
  }

  /** Runs `write` in a transaction (nested ones become savepoints) and drops the cached record whatever happens. */
  #writing<T>(accountId: string, write: () => T): T {
    this.invalidate(accountId);
    try {
      return this.ctx.db.transaction(write)();
    } finally {
      this.invalidate(accountId);
    }
  }

  /** Activation dates in ms, per cached record: `selectForEncrypt` runs per message. */
  readonly #activationMs = new WeakMap<ByokRecord, number>();

  /** Decides the key for new content, activating and rechecking on the way; runs once per encrypted message. */
  selectForEncrypt(accountId: string): EncryptChoice {
    const rec = this.record(accountId);
    // Once a revert started, new content never goes to the customer key again, across restarts too.
    if (!rec || this.reverting.has(accountId) || rec.revertingSince !== null) return { kind: "platform" };
    const now = this.ctx.clock.now();
    let activation = this.#activationMs.get(rec);
    if (activation === undefined) {
      activation = activationDateMs(rec.activationDate);
      this.#activationMs.set(rec, activation);
    }
    if (now < activation) return { kind: "platform" };
    this.#activateIfDue(rec, now);
    if (rec.fallbackSince !== null) {
      const schedule = this.#recheck.get(accountId);
      // In fallback: try the customer key again only when the backoff has passed.
      if (schedule && now < schedule.nextAt) return { kind: "platform" };
    }
    const broken = this.#storedProblem(rec);
    if (broken) {
      // A stored configuration the current rules refuse is a key that does not work: fall back, never fail the request.
      this.reportFailure(accountId, broken);
      return { kind: "platform" };
    }
    return { kind: "byok", record: rec, key: this.pool.for(accountId, rec) };
  }

  /** Rule checks of stored configurations, once per cached record (encrypts stay cheap). */
  readonly #storedProblems = new WeakMap<object, CustomerKeyError | null>();

  #storedProblem(config: StoredKey): CustomerKeyError | undefined {
    let known = this.#storedProblems.get(config);
    if (known === undefined) {
      known = storedReferenceError(config, this.ctx.settings) ?? null;
      this.#storedProblems.set(config, known);
    }
    return known ?? undefined;
  }

  /** The customer key failed: content falls back to the platform key, and the state says why. */
  reportFailure(accountId: string, err: CustomerKeyError): void {
    const now = this.ctx.clock.now();
    const prev = this.#recheck.get(accountId);
    const attempts = (prev?.attempts ?? 0) + 1;
    const delay = Math.min(this.ctx.settings.recheck.maxMs, this.ctx.settings.recheck.baseMs * 2 ** (attempts - 1));
    this.#recheck.set(accountId, { attempts, nextAt: now + delay });
    const rec = this.record(accountId);
    if (rec && rec.fallbackSince === null) {
      const reason = failureText(err);
      this.#writing(accountId, () => {
        setFallback(this.ctx.db, accountId, reason, now);
        appendEvent(this.ctx.db, accountId, "byok.fallback", now, { reason, kind: err.kind, action: err.action });
      });
      this.ctx.log("warn", "customer key failed; new content uses the platform key", { accountId, kind: err.kind, action: err.action });
    }
  }

  /**
   * A new data key was wrapped with `version` of the account's key: record it as the version in use
   * when it changed (a versionless Azure key followed a rotation). Only for Azure, whose data keys
   * name a key version.
   */
  noteKeyVersion(accountId: string, version: string): void {
    const rec = this.record(accountId);
    if (!rec || rec.provider !== "azure" || rec.keyVersionInUse === version) return;
    this.#writing(accountId, () => setKeyVersionInUse(this.ctx.db, accountId, version));
  }

  /** The customer key worked: leave fallback, if in it. */
  reportHealthy(accountId: string): void {
    this.#recheck.delete(accountId);
    const rec = this.record(accountId);
    if (rec && rec.fallbackSince !== null) {
      const now = this.ctx.clock.now();
      this.#writing(accountId, () => {
        setFallback(this.ctx.db, accountId, null, null);
        appendEvent(this.ctx.db, accountId, "byok.recovered", now, { after: `${now - rec.fallbackSince!} ms`, since: iso(rec.fallbackSince!) });
      });
      this.ctx.log("info", "customer key works again; new content uses BYOK", { accountId });
    }
  }

  /** The client that unwraps a data key: the configuration that wrapped it, or (older rows) the current one. */
  keyForRow(accountId: string, row: DataKeyRow): CustomerKey {
    const config = row.wrap_config ? decodeWrapConfig(row.wrap_config) : this.record(accountId);
    if (!config) throw new CustomerKeyError("not-found", "unwrap", "the account no longer has a BYOK configuration for this data key");
    const broken = this.#storedProblem(config);
    if (broken) throw broken;
    return this.pool.for(accountId, config);
  }

  /** Unwraps a customer-wrapped data key; a failure is a DependencyFailedError, never an internal error. */
  async unwrap(accountId: string, row: DataKeyRow): Promise<Buffer> {
    try {
      return await this.keyForRow(accountId, row).unwrapDataKey(row.wrapped_key, row.key_ref);
    } catch (err) {
      if (err instanceof CustomerKeyError) {
        throw new DependencyFailedError("customer_key_unavailable", `customer key unavailable: ${err.action} on ${row.key_ref} failed: ${err.message}`, { details: { kind: err.kind } });
      }
      throw err;
    }
  }

  /** Activations and fallback rechecks that are due (run by the maintenance timer). */
  async tick(probe: (accountId: string) => Promise<void>): Promise<void> {
    const now = this.ctx.clock.now();
    for (const accountId of accountsWithByok(this.ctx.db)) {
      const rec = this.record(accountId);
      if (!rec || now < activationDateMs(rec.activationDate)) continue;
      this.#activateIfDue(rec, now);
      const schedule = this.#recheck.get(accountId);
      if (rec.fallbackSince !== null && (!schedule || now >= schedule.nextAt)) await probe(accountId);
    }
  }

  #activateIfDue(rec: ByokRecord, now: number): void {
    if (rec.activatedAt !== null || now < activationDateMs(rec.activationDate)) return;
    this.#writing(rec.accountId, () => {
      setActivated(this.ctx.db, rec.accountId, now);
      appendEvent(this.ctx.db, rec.accountId, "byok.activated", now, { activationDate: rec.activationDate, status: byokStatus({ ...rec, activatedAt: now }, now) });
    });
  }
}

/** A data key's `wrap_config` (see `wrapConfigKey`), decoded as stored; `keyForRow` checks it against the rules. */
function decodeWrapConfig(text: string): WrapConfig {
  const { provider, reference } = JSON.parse(text) as { provider?: unknown; reference?: unknown };
  return readStoredKey(provider, reference);
}

/** A strong etag over the configuration's content: identical PUTs keep it. */
export function etagOf(key: StoredKey, nickname: string, activationDate: string): string {
  const canonical = canonicalJson([key.provider, key.reference, nickname, activationDate]);
  return `"${createHash("sha256").update(canonical).digest("base64url").slice(0, 22)}"`;
}

/** A customer-key failure for a message: its text, which names the action already (`kms:Decrypt denied …`), or the action and the text. */
export function failureText(err: CustomerKeyError): string {
  return err.message.startsWith(err.action) ? err.message : `${err.action}: ${err.message}`;
}
