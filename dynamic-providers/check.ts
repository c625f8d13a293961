/**
 * The pure part of the ByokConfiguration provider's `check`: input validation with the sdk
 * schemas, and the translation of the platform's dry-run answer into check failures.
 *
 * Every failure names the property by its path (`config.aws.keyArn`), shows the value received
 * and says how to fix it, so `pulumi preview` points at the line to change. Values that are
 * unknown during preview are skipped; `check` runs again with known values during `up`.
 */
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { AccountId, ActivationDate, AwsByokKeyConfig, AzureByokKeyConfig, Nickname, parseWith, quote, type FieldIssue } from "../sdk/schemas";
import type { PutByokRequest, ValidationCheck } from "../sdk/types";
import type { PlatformError } from "../sdk/client/errors";
import { VALIDATION_STEP_FIELD } from "../sdk/contract/validation";
import { sameKey } from "./diff";
import { isUnknown, type PropertyBag } from "./types";

/**
 * One check failure, as the engine reports it: `property` is a dotted path into the inputs.
 * @internal
 */
export type CheckFailure = pulumi.dynamic.CheckFailure;

/**
 * What `checkByokInputs` found.
 * @internal
 */
export interface CheckOutcome {
  /** The inputs to store: the news with defaults filled in (`adoptExisting: false`, `forceRevertOnDelete: false`). */
  readonly inputs: Record<string, unknown>;
  /** Problems with the inputs; empty when they are valid (as far as they are known). */
  readonly failures: CheckFailure[];
  /** The registration the platform would receive, when every input is known and valid. */
  readonly request?: { readonly accountId: string; readonly body: PutByokRequest };
}

const CONFIG_SHAPE = '{provider: "aws", aws: {keyArn, roleArn}} or {provider: "azure", azure: {vaultUrl, tenantId, keyName, keyVersion?}}';

/** The top-level inputs besides `config` (checked on its own, by provider kind). */
const TopLevel = z.strictObject({
  accountId: AccountId,
  config: z.unknown(),
  nickname: Nickname,
  activationDate: ActivationDate,
  adoptExisting: z.boolean().optional(),
  forceRevertOnDelete: z.boolean().optional(),
});


/**
 * Dotted paths (`config.aws.keyArn`) of every unknown value inside `value`.
 * @internal
 */
export function unknownPaths(value: unknown, prefix = ""): string[] {
  if (isUnknown(value)) return [prefix];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, Array.isArray(value) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k));
}

/** True when the issue is about an unknown value or something inside one. */
function aboutUnknown(field: string, unknown: readonly string[]): boolean {
  return unknown.some((u) => field === u || field.startsWith(`${u}.`) || field.startsWith(`${u}[`));
}

function configIssues(config: unknown): FieldIssue[] {
  if (config === undefined) return [{ field: "config", message: `is required: add config, ${CONFIG_SHAPE} (a ByokKey component's byokConfig output)` }];
  if (isUnknown(config)) return [];
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    return [{ field: "config", message: `expected an object ${CONFIG_SHAPE}, received ${quote(config)}` }];
  }
  const provider = (config as { provider?: unknown }).provider;
  if (isUnknown(provider)) return [];
  if (provider !== "aws" && provider !== "azure") {
    return [{ field: "config.provider", message: `must be "aws" or "azure"; received ${quote(provider ?? null)}` }];
  }
  const parsed = parseWith(provider === "aws" ? AwsByokKeyConfig : AzureByokKeyConfig, config);
  return parsed.ok ? [] : parsed.issues.map((i) => ({ field: i.field ? `config.${i.field}` : "config", message: i.message }));
}

/**
 * Validates the inputs with the sdk schemas. Pure: no platform call.
 * @param news the new inputs as the engine sends them (`__provider` included).
 * @internal
 */
export function checkByokInputs(news: PropertyBag): CheckOutcome {
  const { __provider: _provider, [PREVIEW_INPUT]: _preview, ...rest } = news;
  // Output-only properties are registered as undefined; the engine drops them, a direct caller may not.
  const props: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  // The preview flag is for this call only: it stays out of the stored inputs.
  const { [PREVIEW_INPUT]: _flag, ...stored } = news;
  const inputs: Record<string, unknown> = { ...stored, adoptExisting: props.adoptExisting ?? false, forceRevertOnDelete: props.forceRevertOnDelete ?? false };
  const top = parseWith(TopLevel, props);
  const issues = [...(top.ok ? [] : top.issues), ...configIssues(props.config)];
  const unknown = unknownPaths(props);
  const failures = issues.filter((i) => !aboutUnknown(i.field, unknown)).map((i) => ({ property: i.field, reason: i.message }));
  if (failures.length > 0 || unknown.length > 0) return { inputs, failures };

  const config = props.config as PutByokRequest;
  const body = {
    ...(config.provider === "aws" ? { provider: "aws" as const, aws: config.aws } : { provider: "azure" as const, azure: config.azure }),
    nickname: props.nickname as string,
    activationDate: props.activationDate as string,
  } as PutByokRequest;
  return { inputs, failures, request: { accountId: props.accountId as string, body } };
}

/**
 * The input through which the program tells `check` whether this is a preview
 * (`pulumi.runtime.isDryRun()`). The engine gives a dynamic provider's `check` no such flag, and
 * the preview and the update of one `pulumi up` run in separate provider processes, so without it
 * `check` would dry-run the key twice per registration although the update's PUT validates it anyway.
 */
export const PREVIEW_INPUT = "__preview";

/**
 * True when the platform should dry-run the registration: a preview (or a caller that does not
 * say) of a new resource, another account, or another key. Outside a preview, the PUT that
 * follows validates the key itself and reports a failure with every check. A nickname or date change does not touch the key, and an unchanged key was
 * validated when it was registered (refresh shows whether it still works), so neither repeats
 * the real KMS round trip on every preview.
 * @param olds the old inputs (empty for a new resource).
 * @internal
 */
export function needsDryRun(olds: PropertyBag, request: NonNullable<CheckOutcome["request"]>, preview: unknown = true): boolean {
  if (preview === false) return false;
  const { nickname: _n, activationDate: _a, ...key } = request.body;
  return olds.accountId !== request.accountId || !sameKey(olds.config, key);
}

/**
 * The input a failed validation step points at (`sdk/contract/validation.ts`); a step this version does not know points at the whole reference.
 * @internal
 */
export function checkProperty(step: string, provider: "aws" | "azure"): string {
  const field: string | undefined = (VALIDATION_STEP_FIELD as Readonly<Record<string, string>>)[step];
  return field !== undefined && field.startsWith(provider) ? `config.${field}` : `config.${provider}`;
}

/**
 * The failed steps of a validation, one failure each (`sts:AssumeRole: …`); skipped steps are left out.
 * @internal
 */
export function validationFailures(validation: { readonly ok: boolean; readonly checks: readonly ValidationCheck[] }, provider: "aws" | "azure"): CheckFailure[] {
  if (validation.ok) return [];
  const failed = validation.checks.filter((c) => c.status === "failed");
  if (failed.length === 0) {
    return [{ property: "config", reason: "the platform could not validate the key and named no failed step: run pulumi preview again, or look at the platform's events" }];
  }
  // A message that already starts with its step (`kms:DescribeKey failed …`) is not prefixed again.
  return failed.map((c) => ({ property: checkProperty(c.name, provider), reason: c.message.startsWith(c.name) ? c.message : `${c.name}: ${c.message}` }));
}

/**
 * What a failed platform call looks like to `check`: the parts of a PlatformError it reads.
 * @internal
 */
export type CallFailure = Pick<PlatformError, "status" | "code" | "reason" | "field" | "checks">;

/**
 * The outcome of a failed dry run: failures on inputs, or a warning when the platform could not answer.
 * @internal
 */
export type DryRunOutcome = { readonly failures: CheckFailure[] } | { readonly warning: string };

/**
 * Turns a failed `validateByok` call into failures (the inputs are wrong) or a warning (the
 * platform is unreachable or broken, so the key is validated again when it is registered).
 * @internal
 */
export function dryRunFailure(err: CallFailure, request: NonNullable<CheckOutcome["request"]>, baseUrl: string): DryRunOutcome {
  const { accountId } = request;
  const why = err.reason;
  if (err.status === 0 || err.status === 429 || err.status >= 500) {
    return { warning: `ByokConfiguration ${accountId}: could not dry-run the key validation on the platform at ${baseUrl} (${err.code}): ${why}; the platform validates the key again when it is registered` };
  }
  if (err.status === 401) {
    return {
      failures: [
        {
          property: "accountId",
          reason: `the platform at ${baseUrl} rejected the API token (401 ${err.code}): set the token of account ${accountId} with "pulumi config set --secret ekm:apiToken <token>" or EKM_API_TOKEN`,
        },
      ],
    };
  }
  if (err.status === 403 || err.status === 404) {
    return { failures: [{ property: "accountId", reason: `account ${quote(accountId)} cannot be used with this API token on the platform at ${baseUrl} (${err.status} ${err.code}): ${why}` }] };
  }
  if (err.status === 422 && err.code === "key_validation_failed" && err.checks) {
    return { failures: validationFailures({ ok: false, checks: err.checks }, request.body.provider) };
  }
  const property = err.field === undefined ? "config" : ["nickname", "activationDate", "accountId"].includes(err.field) ? err.field : `config.${err.field}`;
  return { failures: [{ property, reason: `the platform refused the key (${err.status} ${err.code}): ${why}` }] };
}
