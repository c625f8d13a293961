/**
 * The AWS judges: the inputs of `ekm:aws:ByokKey` and of raw `aws:kms/key:Key`,
 * `aws:iam/role:Role`, `aws:iam/rolePolicy:RolePolicy` and `aws:iam/policy:Policy` resources.
 *
 * Defaults are the ones that apply when an input is omitted: the component's (`AWS_LIMITS`) for
 * the component, the provider's for raw resources (a KMS key without `rotationPeriodInDays`
 * rotates every 365 days once rotation is on; without `deletionWindowInDays` it waits 30).
 * - https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys.html
 * - https://www.pulumi.com/registry/packages/aws/api-docs/kms/key/
 */
import { quote } from "../../sdk/schemas/formats";
import { DOCUMENTED_POLICY_CONDITION_VALUE, ENCRYPTION_CONTEXT_CONDITION_KEY } from "../../sdk/contract/aws";
import { AWS_LIMITS } from "../../components/aws/validate";
import { POSTURE_THRESHOLDS } from "../../sdk/contract/posture";
import { UNKNOWN, at, document, field, list, type Judge, type Plain } from "../values";

/** KMS's rotation period when rotation is on and no period is given. */
export const KMS_DEFAULT_ROTATION_DAYS = 365;
/** The AWS provider's pending-deletion window when none is given. */
export const KMS_DEFAULT_DELETION_WINDOW_DAYS = 30;

/** Automatic rotation applies to symmetric encryption keys only (https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys.html#rotating-keys-supported). */
function symmetric(props: Plain): boolean {
  const spec = field(props, "customerMasterKeySpec") ?? field(props, "keySpec");
  return spec === undefined || spec === UNKNOWN || spec === "SYMMETRIC_DEFAULT";
}

/** The component's key options, unless it uses an existing key (which it does not configure). */
function createdKeyOptions(props: Plain): Plain | null {
  const keyArn = field(props, "keyArn");
  return keyArn === undefined ? (field(props, "key") ?? {}) : null;
}

function number(value: Plain): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** `aws:kms/key:Key`: rotation on. */
export const kmsKeyRotationOff: Judge = (props) => {
  const on = field(props, "enableKeyRotation");
  if (on === UNKNOWN || on === true || !symmetric(props)) return [];
  return [`enableKeyRotation is ${quote(on ?? null)}${on === undefined ? " (the default)" : ""}: set enableKeyRotation: true so KMS rotates the key material`];
};

/** `ekm:aws:ByokKey`: `key.rotationPeriodInDays` within the maximum. */
export const byokKeyRotationPeriod: Judge = (props, t) => {
  const key = createdKeyOptions(props);
  if (key === null) return [];
  const given = field(key, "rotationPeriodInDays");
  const days = given === undefined ? AWS_LIMITS.rotationPeriodInDays.default : number(given);
  if (days === undefined || days <= t.maxRotationPeriodDays) return [];
  return [`key.rotationPeriodInDays is ${days}, above the maximum of ${t.maxRotationPeriodDays} days (maxRotationPeriodDays): set key.rotationPeriodInDays to ${t.maxRotationPeriodDays} or less`];
};

/** `aws:kms/key:Key`: `rotationPeriodInDays` within the maximum, when rotation is on. */
export const kmsKeyRotationPeriod: Judge = (props, t) => {
  if (field(props, "enableKeyRotation") !== true || !symmetric(props)) return [];
  const given = field(props, "rotationPeriodInDays");
  const days = given === undefined ? KMS_DEFAULT_ROTATION_DAYS : number(given);
  if (days === undefined || days <= t.maxRotationPeriodDays) return [];
  return [
    `rotationPeriodInDays is ${days}${given === undefined ? " (the KMS default)" : ""}, above the maximum of ${t.maxRotationPeriodDays} days (maxRotationPeriodDays): set rotationPeriodInDays to ${t.maxRotationPeriodDays} or less`,
  ];
};

/** `ekm:aws:ByokKey`: `key.deletionWindowInDays` at least the minimum. */
export const byokKeyDeletionWindow: Judge = (props, t) => {
  const key = createdKeyOptions(props);
  if (key === null) return [];
  const given = field(key, "deletionWindowInDays");
  const days = given === undefined ? AWS_LIMITS.deletionWindowInDays.default : number(given);
  if (days === undefined || days >= t.minDeletionWindowDays) return [];
  return [`key.deletionWindowInDays is ${days}, below the minimum of ${t.minDeletionWindowDays} days (minDeletionWindowDays): set key.deletionWindowInDays to ${t.minDeletionWindowDays} or more`];
};

/** `aws:kms/key:Key`: `deletionWindowInDays` at least the minimum. */
export const kmsKeyDeletionWindow: Judge = (props, t) => {
  const given = field(props, "deletionWindowInDays");
  const days = given === undefined ? KMS_DEFAULT_DELETION_WINDOW_DAYS : number(given);
  if (days === undefined || days >= t.minDeletionWindowDays) return [];
  return [`deletionWindowInDays is ${days}, below the minimum of ${t.minDeletionWindowDays} days (minDeletionWindowDays): set deletionWindowInDays to ${t.minDeletionWindowDays} or more`];
};

/** `ekm:aws:ByokKey`: `policy: "documented"` only when the config allows it. */
export const byokKeyDocumentedPolicy: Judge = (props, t) => {
  if (field(props, "policy") !== "documented" || t.allowDocumentedPolicy) return [];
  return [
    'policy is "documented", the product documentation\'s IAM policy, which denies kms:DescribeKey and isolates no tenant: remove policy (the default is "least-privilege"), or set allowDocumentedPolicy: true in the policy config to accept it',
  ];
};

/** The statements of a policy document input, with their index. */
function statements(policy: Plain): { readonly statement: Plain; readonly index: number }[] {
  const doc = document(policy);
  if (doc === UNKNOWN || doc === undefined || doc === null) return [];
  return list(field(doc, "Statement")).map((statement, index) => ({ statement, index }));
}

function label(statement: Plain, index: number): string {
  const sid = field(statement, "Sid");
  return typeof sid === "string" ? `Statement[${index}] (Sid ${quote(sid)})` : `Statement[${index}]`;
}

/**
 * True for the documented policy's statement: its condition compares the tenant_id encryption
 * context with the `${aws:RequestedRegion}` policy variable (components/aws/policies.ts).
 */
export function isDocumentedStatement(statement: Plain): boolean {
  const condition = field(statement, "Condition");
  return Object.values(condition !== null && typeof condition === "object" && !Array.isArray(condition) ? condition : {}).some(
    (operator) => field(operator as Plain, ENCRYPTION_CONTEXT_CONDITION_KEY) === DOCUMENTED_POLICY_CONDITION_VALUE,
  );
}

/** `aws:iam/rolePolicy:RolePolicy`, `aws:iam/policy:Policy` and `aws:kms/key:Key` (`policy`): no documented-policy statement, unless allowed. */
export const documentedPolicyDocument: Judge = (props, t) => {
  if (t.allowDocumentedPolicy) return [];
  return statements(field(props, "policy"))
    .filter(({ statement }) => isDocumentedStatement(statement))
    .map(
      ({ statement, index }) =>
        `policy ${label(statement, index)} is the product documentation's statement (${ENCRYPTION_CONTEXT_CONDITION_KEY} compared with \${aws:RequestedRegion}), which isolates no tenant: scope it to the key ARN with ${ENCRYPTION_CONTEXT_CONDITION_KEY} = <platform account id> (the ByokKey component's "least-privilege" policy), or set allowDocumentedPolicy: true in the policy config`,
    );
};

/** True when an Allow statement grants a KMS action (`kms:…`, `kms:*` or `*`). */
function grantsKms(statement: Plain): boolean {
  if (field(statement, "Effect") !== "Allow") return false;
  return list(field(statement, "Action")).some((a) => typeof a === "string" && (a === "*" || a.toLowerCase().startsWith("kms:")));
}

/** `aws:iam/rolePolicy:RolePolicy` and `aws:iam/policy:Policy`: KMS actions only on named keys (the documented statement is judged by its own rule). */
export const wildcardKmsResource: Judge = (props) =>
  statements(field(props, "policy"))
    .filter(({ statement }) => grantsKms(statement) && !isDocumentedStatement(statement))
    .flatMap(({ statement, index }) => {
      const wild = list(field(statement, "Resource")).filter((r): r is string => typeof r === "string" && (r === "*" || /^arn:[^:]+:kms:[^:]*:[^:]*:key\/.*\*/.test(r) || /^arn:[^:]+:kms:\*/.test(r)));
      return wild.length === 0
        ? []
        : [`policy ${label(statement, index)} allows KMS actions on Resource ${quote(wild.length === 1 ? wild[0] : wild)}: name the BYOK key's ARN instead (the ByokKey component's "least-privilege" policy does)`];
    });

/** True when a trust statement lets an AWS principal assume the role. */
function assumesWithAwsPrincipal(statement: Plain): boolean {
  if (field(statement, "Effect") !== "Allow") return false;
  const actions = list(field(statement, "Action"));
  const assume = actions.some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*");
  const principal = field(statement, "Principal");
  const aws = principal === "*" ? "*" : field(principal, "AWS");
  return assume && aws !== undefined;
}

/** The non-empty `sts:ExternalId` values a statement's condition requires, UNKNOWN when not known. */
function externalIds(statement: Plain): readonly Plain[] | typeof UNKNOWN {
  const condition = field(statement, "Condition");
  if (condition === UNKNOWN) return UNKNOWN;
  const key = POSTURE_THRESHOLDS.externalIdConditionKey;
  return ["StringEquals", "StringLike"].flatMap((op) => list(field(field(condition, op), key))).filter((v) => v === UNKNOWN || (typeof v === "string" && v !== ""));
}

/** `aws:iam/role:Role`: every statement that lets an AWS principal assume the role requires an `sts:ExternalId`. */
export const roleTrustExternalId: Judge = (props) =>
  statements(field(props, "assumeRolePolicy"))
    .filter(({ statement }) => assumesWithAwsPrincipal(statement))
    .flatMap(({ statement, index }) => {
      const ids = externalIds(statement);
      if (ids === UNKNOWN || ids.length > 0) return [];
      const principal = at(statement, "Principal.AWS") ?? field(statement, "Principal");
      return [
        `assumeRolePolicy ${label(statement, index)} lets ${quote(principal)} assume the role without a ${POSTURE_THRESHOLDS.externalIdConditionKey} condition: add Condition: { StringEquals: { "${POSTURE_THRESHOLDS.externalIdConditionKey}": <externalId from GET /v1/accounts/{accountId}/key-management/trust> } } (the ByokKey component's trust policy does)`,
      ];
    });

/** `ekm:aws:ByokKey`: a given `trust` has an external ID (the component refuses a malformed one; an empty one is judged here too). */
export const byokKeyTrustExternalId: Judge = (props) => {
  const trust = field(props, "trust");
  if (trust === undefined || trust === UNKNOWN) return [];
  const id = field(trust, "externalId");
  if (id === UNKNOWN || (typeof id === "string" && id.trim() !== "")) return [];
  return [`trust.externalId is ${quote(id ?? null)}: pass the externalId from GET /v1/accounts/{accountId}/key-management/trust, or omit trust to read it from the platform`];
};
