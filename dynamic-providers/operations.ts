/**
 * What the ByokConfiguration provider does, one function per provider method: the one lifecycle
 * implementation behind both ways of running it, each a thin adapter over these functions:
 * - the dynamic resource: its provider object (`./provider.ts`) is serialized into the state and
 *   loads this module with `require()` at call time (`methods` below binds it to the stack
 *   config), so this module may import freely: the sdk client, the schemas, the platform connection;
 * - the `ekm` provider plugin's `ekm:index:ByokConfiguration` (`provider/plugin.ts`), which binds
 *   it to the provider instance's configuration and the engine's log.
 *
 * The platform URL and token are resolved on every call, from the stack config the engine hands
 * to the provider's `configure` (`ekm:platformUrl`, secret `ekm:apiToken`) or from the
 * environment (`EKM_PLATFORM_URL`, `EKM_API_TOKEN`). They are never part of the inputs, the
 * outputs or any message.
 *
 * @internal: the implementation behind `pulumi-ekm/dynamic-providers/operations`, which the
 * serialized provider and the plugin load; not an API. (It stays at this path: states written by
 * earlier versions name it.)
 */
import type * as pulumi from "@pulumi/pulumi";
import { PlatformClient, WrongPlatformUrlError, isPlatformError, withUrlDiagnosis, type PlatformError } from "../sdk/client";
import { keyConfigOf, type ByokRegistration, type StoredByokConfiguration as StoredConfiguration, type KeyManagementState, type PutByokRequest } from "../sdk/schemas";
import { resolvePlatformConnection, type PlatformConnection } from "../components/platformConnection";
import { PREVIEW_INPUT, checkByokInputs, dryRunFailure, needsDryRun, validationFailures } from "./check";
import { diffByok, sameKey } from "./diff";
import { forEngine } from "./failures";
import { activationNotices, revertProgress, stepLines, stateNotice } from "./notices";
import { providerLog } from "./log";
import type { CheckFailure } from "./check";
import type { ByokInputs, ByokOutputs, PropertyBag } from "./types";

/**
 * What every operation needs besides its arguments.
 * @internal
 */
export interface OperationContext {
  /**
   * Reads `platformUrl` or `apiToken` from the `ekm` namespace of the stack config the engine
   * passed to `configure`.
   * @default no stack config (environment only)
   */
  readonly config?: (key: "platformUrl" | "apiToken") => string | undefined;
  /**
   * The environment.
   * @default process.env at call time
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where warnings go.
   * @default the engine's log inside `pulumi-resource-pulumi-nodejs` (see ./log), else stderr
   */
  readonly warn?: (message: string) => void | Promise<void>;
  /**
   * Where progress goes: validation steps, adoption, re-wrap counts.
   * @default the engine's log inside `pulumi-resource-pulumi-nodejs` (see ./log), else stderr
   */
  readonly info?: (message: string) => void | Promise<void>;
  /**
   * The clock, for messages about the activation date.
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * Timeouts of one attempt, in ms: registration and dry runs make real KMS calls; a revert re-wraps every data key.
 * @internal
 */
export const TIMEOUTS = { call: 30_000, register: 60_000, revert: 600_000 } as const;

function connectionOf(ctx: OperationContext): PlatformConnection {
  return resolvePlatformConnection({ config: ctx.config ?? (() => undefined), env: ctx.env ?? process.env });
}

function connect(ctx: OperationContext): { client: PlatformClient; baseUrl: string } {
  const s = connectionOf(ctx);
  return { client: withUrlDiagnosis(new PlatformClient({ baseUrl: s.baseUrl, token: s.token, timeoutMs: TIMEOUTS.call }), s.baseUrl), baseUrl: s.baseUrl };
}

const warnOf = (ctx: OperationContext) => ctx.warn ?? providerLog.warn;
const infoOf = (ctx: OperationContext) => ctx.info ?? providerLog.info;

/** Sends each message, in order, and waits until it is delivered. */
async function tell(log: (message: string) => void | Promise<void>, messages: readonly string[]): Promise<void> {
  for (const m of messages) await log(m);
}

/** The request to register, from inputs that `check` accepted; throws when they are invalid or unknown. */
function requestOf(inputs: PropertyBag): { accountId: string; body: PutByokRequest; adoptExisting: boolean; forceRevertOnDelete: boolean } {
  const outcome = checkByokInputs(inputs);
  if (outcome.failures.length > 0) {
    throw new Error(`ByokConfiguration: invalid inputs:\n${outcome.failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n")}`);
  }
  if (!outcome.request) throw new Error("ByokConfiguration: some inputs are still unknown; the engine only creates and updates with known inputs");
  return { ...outcome.request, adoptExisting: inputs.adoptExisting === true, forceRevertOnDelete: inputs.forceRevertOnDelete === true };
}

/** Same key, nickname and activation date. */
function identical(stored: StoredConfiguration, body: PutByokRequest): boolean {
  return sameKey(keyConfigOf(stored), keyConfigOf(body)) && stored.nickname === body.nickname && stored.activationDate === body.activationDate;
}

/**
 * A one-line description of a stored key, for messages.
 * @internal
 */
export function describeKey(c: StoredConfiguration | PutByokRequest): string {
  return c.provider === "aws" ? `AWS KMS key ${c.aws.keyArn} (role ${c.aws.roleArn})` : `Azure Key Vault key ${c.azure.keyName}${c.azure.keyVersion ? `/${c.azure.keyVersion}` : ""} in ${c.azure.vaultUrl}`;
}

/**
 * The outputs, from a registration: what `PUT` and `PATCH .../byok` answer.
 * @internal
 */
export function outputsOfRegistration(accountId: string, r: ByokRegistration, adoptExisting: boolean, forceRevertOnDelete = false): ByokOutputs {
  return {
    accountId,
    config: keyConfigOf(r),
    nickname: r.nickname,
    activationDate: r.activationDate,
    adoptExisting,
    forceRevertOnDelete,
    status: r.status,
    effectiveKeySource: r.effectiveKeySource,
    validation: r.validation,
    etag: r.etag,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    platformKeyVersion: r.platformKeyVersion,
    ...(r.fallback ? { fallback: r.fallback } : {}),
  };
}

/** The outputs, from the account's live state. */
export function outputsOf(state: KeyManagementState, adoptExisting: boolean, forceRevertOnDelete = false): ByokOutputs | undefined {
  const b = state.byok;
  if (!b) return undefined;
  return outputsOfRegistration(state.accountId, { ...b, effectiveKeySource: state.effectiveKeySource, fallback: state.fallback, platformKeyVersion: state.platformKey.version }, adoptExisting, forceRevertOnDelete);
}

/**
 * The inputs that produce `outs`: what `read` hands back so later diffs start from the live configuration.
 * @internal
 */
export function inputsOf(outs: ByokOutputs): ByokInputs {
  return {
    accountId: outs.accountId,
    config: outs.config,
    nickname: outs.nickname,
    activationDate: outs.activationDate,
    adoptExisting: outs.adoptExisting,
    forceRevertOnDelete: outs.forceRevertOnDelete,
  };
}

async function liveOutputs(client: PlatformClient, accountId: string, adoptExisting: boolean, forceRevertOnDelete: boolean): Promise<ByokOutputs> {
  const outs = outputsOf(await client.getKeyManagement(accountId), adoptExisting, forceRevertOnDelete);
  if (!outs) {
    throw new Error(`ByokConfiguration ${accountId}: the configuration is gone right after it was written; someone reverted the account concurrently: run "pulumi refresh", then "pulumi up"`);
  }
  return outs;
}

/** The flags of the resource that the outputs carry through. */
interface Flags {
  readonly adoptExisting: boolean;
  readonly forceRevertOnDelete: boolean;
}

/** What a PUT came to: outputs (`written` false when the identical configuration was there already), or the other configuration a create-only PUT met. */
type Registered = { readonly outs: ByokOutputs; readonly written: boolean } | { readonly existing: StoredConfiguration };

/**
 * PUT (`If-Match: etag`, or create-only with `If-None-Match: *`), answering the outputs from the
 * PUT's own answer, with the messages a Pulumi user needs for the expected refusals.
 */
async function register(client: PlatformClient, accountId: string, body: PutByokRequest, flags: Flags, precondition: { ifMatch: string | undefined } | "create-only"): Promise<Registered> {
  const createOnly = precondition === "create-only";
  try {
    const put = await client.putByok(accountId, body, { ...(createOnly ? { ifNoneMatch: "*" } : { ifMatch: precondition.ifMatch }), timeoutMs: TIMEOUTS.register });
    return { outs: outputsOfRegistration(accountId, put, flags.adoptExisting, flags.forceRevertOnDelete), written: true };
  } catch (err) {
    if (isPlatformError(err, 422, "key_validation_failed")) {
      const failed = validationFailures({ ok: false, checks: err.checks ?? [] }, body.provider);
      throw new Error(
        `ByokConfiguration ${accountId}: the platform refused ${describeKey(body)}; nothing was stored:\n${failed.map((f) => `  ${f.reason}`).join("\n")}`,
      );
    }
    if (!isPlatformError(err, 412)) throw err;
    // The account already has a configuration, or the client retried a PUT (after a timeout or a
    // 5xx) whose first attempt the platform committed. Exactly this configuration is success, not
    // a change made outside Pulumi.
    const state = await client.getKeyManagement(accountId);
    const outs = state.byok && identical(state.byok, body) ? outputsOf(state, flags.adoptExisting, flags.forceRevertOnDelete) : undefined;
    if (outs) return { outs, written: false };
    if (createOnly && state.byok) return { existing: state.byok };
    throw staleEtag(accountId, createOnly ? undefined : precondition.ifMatch);
  }
}

/** A PUT with If-Match whose outcome is always outputs. */
async function registered(client: PlatformClient, accountId: string, body: PutByokRequest, flags: Flags, etag: string | undefined): Promise<ByokOutputs> {
  const r = await register(client, accountId, body, flags, { ifMatch: etag });
  if ("outs" in r) return r.outs;
  throw staleEtag(accountId, etag);
}

function staleEtag(accountId: string, etag: string | undefined): Error {
  return new Error(
    `ByokConfiguration ${accountId}: the configuration changed on the platform since Pulumi last read it (etag ${etag ?? "(none)"} is stale): ` +
      'run "pulumi refresh" to see the change, then "pulumi up" again',
  );
}

/**
 * `check`: schema validation, then (when the key or the account is new and every input known) a
 * dry run on the platform. A change of account is also probed: the replacement reverts the old
 * account last, so a token that cannot reach it must fail here, before anything is created.
 */
export async function check(olds: PropertyBag, news: PropertyBag, ctx: OperationContext = {}): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures, request } = checkByokInputs(news);
  const result = (found: readonly CheckFailure[]) => ({ inputs, failures: forEngine(found, inputs) });
  if (failures.length > 0 || !request) return result(failures);
  await tell(warnOf(ctx), activationNotices(request.accountId, olds.activationDate, request.body.activationDate, (ctx.now ?? Date.now)()));
  if (!needsDryRun(olds, request, news[PREVIEW_INPUT])) return result([]);
  let connection: PlatformConnection;
  try {
    connection = connectionOf(ctx);
  } catch (err) {
    await warnOf(ctx)(`ByokConfiguration ${request.accountId}: ${(err as Error).message}; skipped the dry-run validation of the key (the platform validates it when it is registered)`);
    return result([]);
  }
  const client = withUrlDiagnosis(new PlatformClient({ baseUrl: connection.baseUrl, token: connection.token, timeoutMs: TIMEOUTS.register, retry: { maxAttempts: 1 } }), connection.baseUrl);
  try {
    if (typeof olds.accountId === "string" && olds.accountId !== request.accountId) {
      const unreachable = await oldAccountUnreachable(client, olds.accountId, request.accountId);
      if (unreachable) return result([unreachable]);
    }
    const { validation } = await client.validateByok(request.accountId, request.body);
    await tell(infoOf(ctx), stepLines(request.accountId, "dry run", validation));
    return result(validationFailures(validation, request.body.provider));
  } catch (err) {
    if (err instanceof WrongPlatformUrlError) return result([{ property: "", reason: err.message }]);
    if (!isPlatformError(err)) throw err;
    const outcomeOfError = dryRunFailure(err, request, connection.baseUrl);
    if ("warning" in outcomeOfError) {
      await warnOf(ctx)(outcomeOfError.warning);
      return result([]);
    }
    return result(outcomeOfError.failures);
  }
}

/**
 * A failure on `accountId` when the token cannot read the old account, whose configuration the
 * replacement deletes after creating the new one; undefined when it can (or the platform is down:
 * then the dry run that follows says so).
 */
async function oldAccountUnreachable(client: PlatformClient, oldAccount: string, newAccount: string): Promise<CheckFailure | undefined> {
  try {
    await client.getKeyManagement(oldAccount);
    return undefined;
  } catch (err) {
    if (!isPlatformError(err) || ![401, 403, 404].includes(err.status)) return undefined;
    return {
      property: "accountId",
      reason:
        `changing the account from ${oldAccount} replaces the resource: ${newAccount} is registered first, then ${oldAccount} is reverted to platform-managed keys, ` +
        `but this API token cannot reach ${oldAccount} (${err.status} ${err.code}), so ${oldAccount} would stay on BYOK. Run it with a token that reaches both accounts ` +
        `(the platform admin token in EKM_API_TOKEN or ekm:apiToken), or first run "pulumi destroy" with ${oldAccount}'s token and then "pulumi up" with ${newAccount}'s`,
    };
  }
}

/**
 * `diff`: see `diffByok`.
 * @internal
 */
export async function diff(_id: string, olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.DiffResult> {
  return diffByok(olds, news);
}

/**
 * `create`: registers the key, or adopts the account's configuration when it is identical. A
 * different configuration is replaced only with `adoptExisting: true`.
 * @internal
 */
export async function create(inputs: PropertyBag, ctx: OperationContext = {}): Promise<pulumi.dynamic.CreateResult<ByokOutputs>> {
  const { accountId, body, adoptExisting, forceRevertOnDelete } = requestOf(inputs);
  const { client } = connect(ctx);
  // One PUT when the account has no configuration (or already has exactly this one); a GET only
  // when it has another one.
  const first = await register(client, accountId, body, { adoptExisting, forceRevertOnDelete }, "create-only");
  if ("outs" in first) {
    if (first.written) await tell(infoOf(ctx), stepLines(accountId, "registration", first.outs.validation));
    else await infoOf(ctx)(`ByokConfiguration ${accountId}: adopted the account's existing, identical configuration (${describeKey(body)}) as it is: nothing was written`);
    return { id: accountId, outs: first.outs };
  }
  const { existing } = first;
  if (!adoptExisting) {
    throw new Error(
      `ByokConfiguration ${accountId}: the account already has a BYOK configuration, ${describeKey(existing)} nicknamed ${JSON.stringify(existing.nickname)} ` +
        `(activation ${existing.activationDate}), which differs from this one. One configuration per account: set adoptExisting: true to take it over ` +
        "and replace it with this one, or change the inputs to match it to adopt it as it is",
    );
  }
  await warnOf(ctx)(`ByokConfiguration ${accountId}: adoptExisting: taking over the existing configuration, ${describeKey(existing)} nicknamed ${JSON.stringify(existing.nickname)}, and replacing it with ${describeKey(body)}`);
  const outs = await registered(client, accountId, body, { adoptExisting, forceRevertOnDelete }, existing.etag);
  await tell(infoOf(ctx), stepLines(accountId, "registration", outs.validation));
  return { id: accountId, outs };
}

/**
 * `read`: the live configuration, so refresh shows drift (status, fallback, changes made outside
 * Pulumi). A configuration deleted outside Pulumi reads as gone (no id).
 * @internal
 */
export async function read(id: string, props: PropertyBag | undefined, ctx: OperationContext = {}): Promise<{ id?: string; props?: ByokOutputs; inputs?: ByokInputs }> {
  const accountId = id || String(props?.accountId ?? "");
  const { client, baseUrl } = connect(ctx);
  let state: KeyManagementState;
  try {
    state = await client.getKeyManagement(accountId);
  } catch (err) {
    // Not "gone": that would drop a live configuration from the state.
    if (isPlatformError(err, 404)) throw unknownAccount(accountId, baseUrl, err);
    throw err;
  }
  const outs = outputsOf(state, props?.adoptExisting === true, props?.forceRevertOnDelete === true);
  if (!outs) {
    await warnOf(ctx)(`ByokConfiguration ${accountId}: the account has no BYOK configuration on the platform any more (reverted outside Pulumi); "pulumi up" registers it again`);
    return {};
  }
  const notice = stateNotice(outs);
  if (notice) await (notice.level === "warn" ? warnOf(ctx) : infoOf(ctx))(notice.message);
  return { id: accountId, props: outs, inputs: inputsOf(outs) };
}

/**
 * `update`: a PUT (If-Match) when the key changes, which revalidates it; a PATCH (If-Match) for nickname or date alone.
 * @internal
 */
export async function update(id: string, olds: PropertyBag, news: PropertyBag, ctx: OperationContext = {}): Promise<pulumi.dynamic.UpdateResult<ByokOutputs>> {
  const { accountId, body, adoptExisting, forceRevertOnDelete } = requestOf(news);
  if (accountId !== id) {
    throw new Error(`ByokConfiguration ${id}: cannot move the configuration to account ${accountId} in place; a change of account replaces the resource (this is a bug in diff)`);
  }
  const { client } = connect(ctx);
  const etag = typeof olds.etag === "string" ? olds.etag : (await client.getByok(accountId))?.etag;
  const flags = { adoptExisting, forceRevertOnDelete };
  if (!sameKey(olds.config, keyConfigOf(body))) {
    const outs = await registered(client, accountId, body, flags, etag);
    await tell(infoOf(ctx), stepLines(accountId, "registration", outs.validation));
    return { outs };
  }
  // A change of forceRevertOnDelete alone writes nothing: it only changes what delete will do.
  if (olds.nickname === body.nickname && olds.activationDate === body.activationDate) return { outs: await liveOutputs(client, accountId, adoptExisting, forceRevertOnDelete) };
  if (etag === undefined) throw gone(accountId);
  const patch = {
    ...(olds.nickname !== body.nickname ? { nickname: body.nickname } : {}),
    ...(olds.activationDate !== body.activationDate ? { activationDate: body.activationDate } : {}),
  };
  try {
    return { outs: outputsOfRegistration(accountId, await client.patchByok(accountId, patch, { ifMatch: etag }), adoptExisting, forceRevertOnDelete) };
  } catch (err) {
    if (isPlatformError(err, 412)) throw staleEtag(accountId, etag);
    if (isPlatformError(err, 404)) throw gone(accountId);
    throw err;
  }
}

/**
 * The platform answers 404 `not_found` both for an account it does not know and for another
 * account's token (so a token cannot learn which accounts exist): neither means "no configuration".
 */
function unknownAccount(accountId: string, baseUrl: string, err: PlatformError): Error {
  return new Error(
    `ByokConfiguration ${accountId}: the platform at ${baseUrl} does not know the account, or the API token belongs to another account (${err.reason}). ` +
      'Check ekm:apiToken / EKM_API_TOKEN; if the account was deleted, remove the resource with "pulumi state delete"',
  );
}

function gone(accountId: string): Error {
  return new Error(`ByokConfiguration ${accountId}: the configuration was deleted outside Pulumi: run "pulumi refresh", and "pulumi up" registers it again`);
}

/**
 * How long `delete` waits for a revert that another call started, and how often it looks.
 * @internal
 */
export const REVERT_WAIT = { totalMs: 600_000, intervalMs: 1_000 } as const;

/**
 * `delete`: reverts the account to platform-managed keys. The platform re-wraps every data key
 * under its own key before it answers, so when this returns the customer key is no longer needed.
 * An absent configuration is already deleted: the platform answers 200 `{reverted: false}`. A 404
 * is an unknown account or another account's token (e.g. the replace after a change of accountId
 * runs with the new account's token), so it fails: the old account would otherwise stay on BYOK
 * while the resource leaves the state. When the customer key no longer unwraps some data keys,
 * the platform refuses (409) unless the state says `forceRevertOnDelete: true`.
 */
export async function remove(id: string, props: PropertyBag, ctx: OperationContext = {}): Promise<void> {
  const { client, baseUrl } = connect(ctx);
  const force = props.forceRevertOnDelete === true;
  await infoOf(ctx)(revertProgress.start(id, force));
  try {
    const r = await client.deleteByok(id, { timeoutMs: TIMEOUTS.revert, force });
    const done = revertProgress.done(id, r);
    await infoOf(ctx)(done.info);
    if (done.warn) await warnOf(ctx)(done.warn);
  } catch (err) {
    if (isPlatformError(err, 404)) throw unknownAccount(id, baseUrl, err);
    if (isPlatformError(err, 409) && (err as PlatformError).details?.affectedDataKeys === undefined) {
      // Another DELETE (e.g. a retry after a lost answer) is re-wrapping: wait for it to finish.
      await waitForRevert(client, id);
      await infoOf(ctx)(`ByokConfiguration ${id}: the revert another call started has finished`);
      return;
    }
    if (isPlatformError(err, 409)) {
      // The platform's message says what would be lost; the fix in Pulumi terms replaces its "?force=true".
      const why = err.reason.replace(/,? or DELETE with \?force=true to revert anyway and record the loss/, "");
      throw new Error(
        `ByokConfiguration ${id}: cannot revert to platform-managed keys, so the configuration stays: ${why}. ` +
          'To revert anyway and give up that data, set forceRevertOnDelete: true on the resource, run "pulumi up", then destroy again',
      );
    }
    throw err;
  }
}

async function waitForRevert(client: PlatformClient, accountId: string): Promise<void> {
  const deadline = Date.now() + REVERT_WAIT.totalMs;
  while (Date.now() < deadline) {
    if ((await client.getByok(accountId)) === undefined) return;
    await new Promise((r) => setTimeout(r, REVERT_WAIT.intervalMs));
  }
  throw new Error(`ByokConfiguration ${accountId}: the revert to platform-managed keys did not finish within ${REVERT_WAIT.totalMs / 1000} s; run the deletion again`);
}

/** The provider's methods bound to the stack config the engine passed to `configure` (see `./provider.ts`). */
export function methods(config: pulumi.dynamic.Config | undefined): Omit<import("./provider").ByokConfigurationProvider, "configure"> {
  const ctx: OperationContext = { config: (key) => config?.get(`ekm:${key}`) };
  return {
    check: (olds, news) => check(olds ?? {}, news, ctx),
    diff: (id, olds, news) => diff(id, olds, news),
    create: (inputs) => create(inputs, ctx),
    read: (id, props) => read(id, props, ctx),
    update: (id, olds, news) => update(id, olds, news, ctx),
    delete: (id, props) => remove(id, props, ctx),
  };
}
