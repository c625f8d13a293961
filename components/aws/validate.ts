/**
 * Validation of `ekm:aws:ByokKey` arguments. Pure functions, run before any child resource
 * is created. Each problem names the argument, shows the value received and says how to fix
 * it; the component throws them as one `pulumi.ResourceError`.
 *
 * Formats are checked with the sdk's validators (`kmsKeyArnProblem`, `roleArnProblem`,
 * `AccountId`) so the component and the platform agree on what is valid.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { AWS_PARTITIONS, AccountId, EXAMPLES, kmsKeyArnProblem, quote, roleArnProblem } from "../../sdk/schemas/formats";
import type { ByokKeyArgs } from "./byokKey";

/** One invalid argument. */
export interface ArgumentProblem {
  /** Dotted path of the argument, e.g. `key.rotationPeriodInDays`. */
  readonly argument: string;
  /** The value received. */
  readonly value: unknown;
  /** The whole message: argument, what is wrong, the value received and the fix. */
  readonly message: string;
}

/** Returns why a value is invalid (without the received value), or undefined when it is valid. */
export type Check<T> = (value: T) => string | undefined;

/** Range and default of each numeric option. */
export const AWS_LIMITS = {
  /** https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html#KMS-EnableKeyRotation-request-RotationPeriodInDays */
  rotationPeriodInDays: { min: 90, max: 2560, default: 90 },
  /** https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html#KMS-ScheduleKeyDeletion-request-PendingWindowInDays */
  deletionWindowInDays: { min: 7, max: 30, default: 30 },
  /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (MaxSessionDuration); the platform assumes the role for 1 h (SESSION_DURATION_SECONDS in platform/customer-keys/aws/options.ts). */
  maxSessionDuration: { min: 3600, max: 43200, default: 3600 },
} as const;

/** The key options that only make sense for a key this component creates. */
export const KEY_OPTION_NAMES = ["alias", "description", "rotationPeriodInDays", "deletionWindowInDays", "multiRegion", "tags"] as const;

/** Builds the message of one problem: `<argument> <problem>; received <value>`. */
export function problemMessage(argument: string, problem: string, value: unknown): string {
  return `${argument} ${problem}; received ${quote(value)}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** True when `value` is already known (not an Output or a Promise), so it can be checked now. */
export function isKnownNow<T>(value: pulumi.Input<T> | undefined): value is T {
  return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** A check made from an sdk zod schema: its message, without the `; received …` the schema appends. */
export function schemaCheck(schema: z.ZodType<string>): Check<string> {
  return (value) => {
    const r = schema.safeParse(value, { reportInput: true });
    if (r.success) return undefined;
    const message = r.error.issues[0]?.message ?? "is invalid";
    const suffix = `; received ${quote(value)}`;
    return message.endsWith(suffix) ? message.slice(0, -suffix.length) : message;
  };
}

/** A platform account ID, as the sdk defines it. */
export const accountIdCheck: Check<string> = schemaCheck(AccountId);

/** A KMS key ARN (partition, region, 12-digit account, key UUID or `mrk-` id). */
export const keyArnCheck: Check<string> = (v) => kmsKeyArnProblem(v);

/** The platform principal: an IAM role ARN or an account root ARN. */
export const principalArnCheck: Check<string> = (v) => {
  if (roleArnProblem(v) === undefined) return undefined;
  const parts = v.split(":");
  const isRoot = parts.length === 6 && parts[0] === "arn" && (AWS_PARTITIONS as readonly string[]).includes(parts[1]) && parts[2] === "iam" && parts[3] === "" && /^\d{12}$/.test(parts[4]) && parts[5] === "root";
  return isRoot
    ? undefined
    : `must be the platform's IAM role or account-root ARN, e.g. ${EXAMPLES.roleArn}: copy trust.aws.principalArn from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform`;
};

/** An sts:ExternalId: 2-1224 characters of `[\w+=,.@:/-]` (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
export const externalIdCheck: Check<string> = (v) =>
  /^[\w+=,.@:/-]{2,1224}$/.test(v)
    ? undefined
    : "must be 2-1224 letters, digits and +=,.@:/-: copy trust.aws.externalId from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform";

/** A KMS alias name (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html). */
export const aliasCheck: Check<string> = (v) => {
  if (!/^alias\/[a-zA-Z0-9/_-]+$/.test(v) || v.length > 256) {
    return 'must be "alias/" followed by letters, digits, "/", "_" and "-" (256 characters at most), e.g. "alias/ekm-byok"';
  }
  if (v.startsWith("alias/aws/")) return 'must not start with "alias/aws/", which AWS reserves for AWS managed keys: choose another name, e.g. "alias/ekm-byok"';
  return undefined;
};

/** A KMS key description: at most 8192 characters. */
export const descriptionCheck: Check<string> = (v) => (v.length <= 8192 ? undefined : `must be 8192 characters at most, got ${v.length}: shorten it`);

/** An integer within `[min, max]`. */
export function integerCheck(min: number, max: number, why: string): Check<number> {
  return (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? undefined : `must be an integer from ${min} to ${max} (${why})`);
}

/** An IAM role name: 1-64 of `[\w+=,.@-]`, checked with the sdk's role ARN rule. */
export const roleNameCheck: Check<string> = (v) =>
  !v.includes("/") && roleArnProblem(`arn:aws:iam::111122223333:role/${v}`) === undefined
    ? undefined
    : 'must be 1-64 letters, digits and +=,.@_- (IAM role names have no "/": put a path in role.path)';

/** An IAM role name prefix: the provider appends 26 characters, so 1-38 of `[\w+=,.@-]`. */
export const roleNamePrefixCheck: Check<string> = (v) =>
  v.length <= 38 && roleNameCheck(v) === undefined ? undefined : "must be 1-38 letters, digits and +=,.@_- (the provider appends 26 characters to reach the 64-character limit)";

/** An IAM path: `/`, or `/`-delimited segments of printable ASCII, at most 512 characters. */
export const rolePathCheck: Check<string> = (v) =>
  /^\/(?:[\x21-\x7e]*\/)?$/.test(v) && v.length <= 512 ? undefined : 'must start and end with "/" and contain printable ASCII only (512 characters at most), e.g. "/ekm/"';

/** A managed policy ARN for a permissions boundary. */
export const policyArnCheck: Check<string> = (v) => {
  const parts = v.split(":");
  const ok =
    parts.length === 6 &&
    parts[0] === "arn" &&
    (AWS_PARTITIONS as readonly string[]).includes(parts[1]) &&
    parts[2] === "iam" &&
    parts[3] === "" &&
    (/^\d{12}$/.test(parts[4]) || parts[4] === "aws") &&
    /^policy\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,128}$/.test(parts[5]);
  return ok ? undefined : "must be an IAM managed policy ARN, e.g. arn:aws:iam::111122223333:policy/ekm-boundary";
};

const POLICY_MODES = ["least-privilege", "documented"] as const;

/**
 * Every problem with `args`, in argument order; empty when they are valid.
 * Values that are not known yet (Outputs, Promises) are checked when they resolve.
 */
export function byokKeyArgsProblems(args: ByokKeyArgs | undefined): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  const check = <T>(argument: string, value: pulumi.Input<T> | undefined, c: Check<T>) => {
    if (!isKnownNow(value)) return;
    const p = c(value);
    if (p !== undefined) problems.push({ argument, value, message: problemMessage(argument, p, value) });
  };
  if (args === undefined || args === null || typeof args !== "object") {
    return [{ argument: "args", value: args, message: problemMessage("args", 'is required: pass { accountId: "acct-…" }', args) }];
  }
  if (args.accountId === undefined || args.accountId === null) {
    problems.push({ argument: "accountId", value: args.accountId, message: problemMessage("accountId", 'is required: pass the platform account ID, e.g. "acct-3f9a1c2b7d4e5f60"', args.accountId) });
  } else {
    check("accountId", args.accountId, accountIdCheck);
  }
  if (isKnownNow(args.trust)) {
    check("trust.principalArn", args.trust.principalArn, principalArnCheck);
    check("trust.externalId", args.trust.externalId, externalIdCheck);
  }
  check("keyArn", args.keyArn, keyArnCheck);
  const key = args.key ?? {};
  if (args.keyArn !== undefined) {
    const set = KEY_OPTION_NAMES.filter((k) => key[k] !== undefined);
    if (set.length > 0) {
      const given = listing(set.map((k) => `key.${k}`));
      problems.push({
        argument: "keyArn",
        value: args.keyArn,
        message: `keyArn is set together with ${given}; received keyArn ${isKnownNow(args.keyArn) ? quote(args.keyArn) : "(an Output)"}: key options only apply to a key this component creates, so remove ${given} to use the existing key, or remove keyArn to create one`,
      });
    }
  }
  check("key.alias", key.alias, aliasCheck);
  check("key.description", key.description, descriptionCheck);
  check("key.rotationPeriodInDays", key.rotationPeriodInDays, integerCheck(AWS_LIMITS.rotationPeriodInDays.min, AWS_LIMITS.rotationPeriodInDays.max, "KMS rotation period; 90 matches the platform's own rotation"));
  check("key.deletionWindowInDays", key.deletionWindowInDays, integerCheck(AWS_LIMITS.deletionWindowInDays.min, AWS_LIMITS.deletionWindowInDays.max, "the KMS pending-deletion window"));
  if (key.multiRegion !== undefined && typeof key.multiRegion !== "boolean") {
    problems.push({ argument: "key.multiRegion", value: key.multiRegion, message: problemMessage("key.multiRegion", "must be true or false", key.multiRegion) });
  }
  const role = args.role ?? {};
  if (role.name !== undefined && role.namePrefix !== undefined) {
    problems.push({
      argument: "role.name",
      value: role.name,
      message: `role.name and role.namePrefix are both set; received role.name ${quote(role.name)} and role.namePrefix ${quote(role.namePrefix)}: set only one of them`,
    });
  }
  check("role.name", role.name, roleNameCheck);
  check("role.namePrefix", role.namePrefix, roleNamePrefixCheck);
  check("role.path", role.path, rolePathCheck);
  check("role.permissionsBoundary", role.permissionsBoundary, policyArnCheck);
  check("role.maxSessionDuration", role.maxSessionDuration, integerCheck(AWS_LIMITS.maxSessionDuration.min, AWS_LIMITS.maxSessionDuration.max, "seconds; the platform needs 1 hour"));
  if (args.policy !== undefined && !(POLICY_MODES as readonly string[]).includes(args.policy)) {
    problems.push({ argument: "policy", value: args.policy, message: problemMessage("policy", 'must be "least-privilege" (the default) or "documented"', args.policy) });
  }
  return problems;
}

/**
 * Throws a `pulumi.ResourceError` listing every problem with `args` (one per line).
 * @param resource the component, so the error is reported against it.
 */
export function validateByokKeyArgs(args: ByokKeyArgs | undefined, resource?: pulumi.Resource): void {
  const problems = byokKeyArgsProblems(args);
  if (problems.length > 0) throw new pulumi.ResourceError(problems.map((p) => p.message).join("\n"), resource, true);
}

/**
 * `value` as an Output that fails with a `pulumi.ResourceError` when it resolves to an
 * invalid value: the late counterpart of `validateByokKeyArgs` for Inputs known only at deployment.
 */
export function checkedInput(value: pulumi.Input<string>, argument: string, check: Check<string>, resource?: pulumi.Resource): pulumi.Output<string> {
  return pulumi.output(value).apply((v) => {
    const p = check(v);
    if (p !== undefined) throw new pulumi.ResourceError(problemMessage(argument, p, v), resource, true);
    return v;
  });
}
