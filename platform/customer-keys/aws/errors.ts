/**
 * Maps an AWS SDK (v3) error to a `CustomerKeyError`: a kind the platform can act on (fallback,
 * 424, retry) and a message that names the failed action and says how to fix it.
 *
 * Pure: no calls, no clock. Messages never quote credentials or key material: they are built
 * from the ARNs, the account ID and the external ID (which AWS documents as not secret:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html),
 * plus the AWS error code; an AWS message is quoted only where it carries the key state, and
 * then with access key IDs redacted.
 */
import { AWS_ACTIONS, ENCRYPTION_CONTEXT_CONDITION_KEY, ENCRYPTION_CONTEXT_KEY, type AwsContractAction } from "../../../sdk/contract";
import { NETWORK_ERROR_CODES } from "../chain";
import { CustomerKeyError, type CustomerKeyErrorKind } from "../types";

/**
 * The AWS actions the platform performs for a customer key: those of the contract it calls
 * (`sdk/contract/aws.ts`; it never encrypts with the customer key directly), plus two reads the
 * local platform adds for better messages.
 */
export type AwsAction = Exclude<AwsContractAction, typeof AWS_ACTIONS.encrypt> | "iam:GetRole" | "kms:GetKeyRotationStatus";

/** What the failed call was about: enough to name the action, the key, the role and the fix. */
export interface AwsErrorContext {
  /** The action that failed. */
  readonly action: AwsAction;
  /** The platform account the key protects; the encryption context is `{tenant_id: accountId}`. */
  readonly accountId: string;
  /** The key ARN the call used (for Decrypt: the key that wrapped the data key). */
  readonly keyArn: string;
  /** The customer's role the platform assumes. */
  readonly roleArn: string;
  /** The account's external ID (`sts:ExternalId`). */
  readonly externalId: string;
  /** The platform principal the role must trust; without it messages point at the trust endpoint. */
  readonly platformPrincipalArn?: string;
  /** The per-call deadline, quoted in timeout messages. */
  readonly timeoutMs: number;
}

/** The shape of an AWS SDK v3 service exception, and of Node's network errors, as far as the mapping needs it. */
interface AwsErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly cause?: unknown;
}

// KMS error codes: https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html and each
// action's "Errors" section; STS: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Errors
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException"]);
const NOT_FOUND = new Set(["NotFoundException", "NoSuchEntity", "NoSuchEntityException"]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "SlowDown",
]);
const SERVICE_UNAVAILABLE = new Set([
  "KMSInternalException",
  "KeyUnavailableException",
  "DependencyTimeoutException",
  "CustomKeyStoreInvalidStateException",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);
/** The caller's own credentials were rejected: the platform's base credentials, or the assumed-role session. */
const CREDENTIALS_REJECTED = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "InvalidSignatureException",
  "ExpiredToken",
  "ExpiredTokenException",
  "CredentialsProviderError",
]);
const NETWORK_ERRORS: ReadonlySet<string> = NETWORK_ERROR_CODES;

/** The region of an ARN (`arn:partition:service:region:account:resource`), or "its region". */
export function arnRegion(arn: string): string {
  return arn.split(":")[3] || "its region";
}

function serviceOf(action: AwsAction): string {
  if (action.startsWith("sts:")) return "AWS STS";
  if (action.startsWith("iam:")) return "AWS IAM";
  return "AWS KMS";
}

/** The AWS error code: the service's `Code`, else the exception name, else Node's `code` (ECONNREFUSED). */
export function awsErrorCode(err: unknown): string {
  if (typeof err !== "object" || err === null) return "UnknownError";
  const e = err as AwsErrorLike;
  if (typeof e.Code === "string" && e.Code) return e.Code;
  if (typeof e.name === "string" && e.name && e.name !== "Error") return e.name;
  if (typeof e.code === "string" && e.code) return e.code;
  return "UnknownError";
}

/** An AWS message, safe to quote: its first line, access key IDs redacted, shortened; empty for moto's placeholder. */
export function safeAwsMessage(err: unknown): string {
  const raw = typeof err === "object" && err !== null ? (err as AwsErrorLike).message : undefined;
  if (typeof raw !== "string" || raw === "" || raw === "UnknownError") return "";
  const firstLine = raw.split("\n")[0].trim();
  const redacted = firstLine.replace(/\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, "<redacted>");
  return redacted.length > 300 ? `${redacted.slice(0, 300)}…` : redacted;
}

function isTimeout(err: AwsErrorLike, code: string): boolean {
  if (code === "TimeoutError" || code === "AbortError" || code === "ETIMEDOUT" || code === "RequestTimeout") return true;
  const cause = err.cause as AwsErrorLike | undefined;
  return typeof cause === "object" && cause !== null && cause.name === "TimeoutError";
}

function isServerFault(err: AwsErrorLike): boolean {
  const status = err.$metadata?.httpStatusCode;
  return err.$fault === "server" || (typeof status === "number" && status >= 500);
}

/** The condition the role policy needs for an action, as the customer writes it. */
function policyRequirement(ctx: AwsErrorContext): string {
  if (ctx.action === "kms:DescribeKey") {
    return (
      `the role policy must allow kms:DescribeKey on ${ctx.keyArn} without a condition ` +
      "(DescribeKey carries no encryption context, so a kms:EncryptionContext condition never matches)"
    );
  }
  return (
    `the role policy must allow ${ctx.action} on ${ctx.keyArn} with condition ` +
    `StringEquals ${ENCRYPTION_CONTEXT_CONDITION_KEY} = ${ctx.accountId}`
  );
}

/** Who the role's trust policy must name. */
export function principalLabel(ctx: Pick<AwsErrorContext, "platformPrincipalArn" | "accountId">): string {
  return ctx.platformPrincipalArn ?? `the platform principal (GET /v1/accounts/${ctx.accountId}/key-management/trust)`;
}

function accessDenied(ctx: AwsErrorContext): string {
  switch (ctx.action) {
    case "sts:AssumeRole":
      return (
        `sts:AssumeRole denied for role ${ctx.roleArn} — the role must exist and its trust policy must allow ` +
        `${principalLabel(ctx)} to call sts:AssumeRole with condition StringEquals sts:ExternalId = ${ctx.externalId}`
      );
    case "iam:GetRole":
      return (
        `iam:GetRole denied on ${ctx.roleArn} for the platform's own credentials — ` +
        "the local platform's trust-policy inspection needs iam:GetRole on the role"
      );
    case "kms:GetKeyRotationStatus":
      return `kms:GetKeyRotationStatus denied for role ${ctx.roleArn} on ${ctx.keyArn}`;
    default:
      return (
        `${ctx.action} denied for role ${ctx.roleArn} — ${policyRequirement(ctx)}, ` +
        "and the key policy must let IAM policies grant it (the account root statement or one naming the role)"
      );
  }
}

function make(kind: CustomerKeyErrorKind, ctx: AwsErrorContext, message: string): CustomerKeyError {
  return new CustomerKeyError(kind, ctx.action, message);
}

/**
 * Maps an error thrown by an AWS SDK call (or by the network under it) to a `CustomerKeyError`.
 * A `CustomerKeyError` passes through unchanged.
 *
 * Kinds: AccessDenied → access-denied; NotFound / NoSuchEntity → not-found; Disabled → disabled;
 * KMSInvalidState → pending-deletion when the key is pending deletion, else disabled;
 * InvalidCiphertext / IncorrectKey / InvalidKeyUsage → invalid-key; throttling, 5xx, network
 * errors and rejected credentials → unavailable; socket and deadline timeouts → timeout; any other
 * HTTP 403 → access-denied.
 * Anything else is unavailable, with the AWS code in the message.
 */
export function mapAwsError(err: unknown, ctx: AwsErrorContext): CustomerKeyError {
  if (err instanceof CustomerKeyError) return err;
  const e: AwsErrorLike = typeof err === "object" && err !== null ? (err as AwsErrorLike) : {};
  const code = awsErrorCode(err);
  const { action, keyArn } = ctx;
  const region = arnRegion(keyArn);
  const service = serviceOf(action);

  if (isTimeout(e, code)) {
    return make("timeout", ctx, `${action} timed out after ${ctx.timeoutMs} ms: ${service} in ${region} did not answer — retry later`);
  }
  if (ACCESS_DENIED.has(code)) return make("access-denied", ctx, accessDenied(ctx));
  if (NOT_FOUND.has(code)) {
    if (action === "iam:GetRole" || action === "sts:AssumeRole") {
      return make("not-found", ctx, `${action} failed: role ${ctx.roleArn} does not exist — create it or register the right role ARN`);
    }
    return make(
      "not-found",
      ctx,
      `${action} failed: key ${keyArn} was not found in ${region} — check the key ARN (account, region and key id) and that the key still exists`,
    );
  }
  if (code === "DisabledException") {
    return make("disabled", ctx, `${action} failed: key ${keyArn} is disabled — enable it (kms:EnableKey) or register another key`);
  }
  if (code === "KMSInvalidStateException") {
    const detail = safeAwsMessage(err);
    if (/pending\s*(replica\s*)?deletion/i.test(detail)) {
      return make(
        "pending-deletion",
        ctx,
        `${action} failed: key ${keyArn} is pending deletion — cancel the deletion (kms:CancelKeyDeletion), then enable the key (kms:EnableKey)`,
      );
    }
    return make(
      "disabled",
      ctx,
      `${action} failed: key ${keyArn} is not in a usable state${detail ? ` (${detail})` : ""} — the key must be Enabled`,
    );
  }
  if (code === "InvalidCiphertextException") {
    return make(
      "invalid-key",
      ctx,
      `${action} rejected the wrapped data key under key ${keyArn} (InvalidCiphertextException) — it was wrapped with a different ` +
        `encryption context than ${ENCRYPTION_CONTEXT_KEY} = ${ctx.accountId} (another account's data key), or it is corrupt`,
    );
  }
  if (code === "IncorrectKeyException") {
    return make(
      "invalid-key",
      ctx,
      `${action} failed: the wrapped data key was not wrapped by ${keyArn} (IncorrectKeyException) — unwrap it with the key that wrapped it`,
    );
  }
  if (code === "InvalidKeyUsageException" || code === "UnsupportedOperationException") {
    return make(
      "invalid-key",
      ctx,
      `${action} failed: key ${keyArn} cannot encrypt and decrypt data keys (${code}) — ` +
        "the platform needs a SYMMETRIC_DEFAULT key with KeyUsage ENCRYPT_DECRYPT",
    );
  }
  if (CREDENTIALS_REJECTED.has(code)) {
    if (action === "sts:AssumeRole" || action === "iam:GetRole") {
      return make(
        "unavailable",
        ctx,
        `${action} failed: the platform's own AWS credentials were rejected (${code}) — fix the platform's credentials; the customer's configuration is not at fault`,
      );
    }
    return make(
      "unavailable",
      ctx,
      `${action} failed: the session of role ${ctx.roleArn} was rejected (${code}) — the platform assumes the role again on the next call`,
    );
  }
  if (code === "RegionDisabledException") {
    return make(
      "unavailable",
      ctx,
      `${action} failed: AWS STS is not activated in ${region} for the platform's account (RegionDisabledException) — activate the region's STS endpoint`,
    );
  }
  if (THROTTLED.has(code)) {
    return make("unavailable", ctx, `${action} was throttled by ${service} in ${region} (${code}) — retry later`);
  }
  if (e.$metadata?.httpStatusCode === 403) {
    // A 403 whose body the SDK could not read (a proxy's page, or moto's XML AccessDenied on a JSON
    // service when its IAM enforcement is on) is still a refusal.
    return make("access-denied", ctx, accessDenied(ctx));
  }
  if (SERVICE_UNAVAILABLE.has(code) || isServerFault(e)) {
    return make("unavailable", ctx, `${action} failed: ${service} in ${region} is unavailable (${code}) — retry later`);
  }
  if (NETWORK_ERRORS.has(code) || (typeof e.code === "string" && NETWORK_ERRORS.has(e.code))) {
    const netCode = typeof e.code === "string" && NETWORK_ERRORS.has(e.code) ? e.code : code;
    return make(
      "unavailable",
      ctx,
      `${action} could not reach ${service} in ${region} (${netCode}) — check the platform's network path and endpoint configuration`,
    );
  }
  const detail = safeAwsMessage(err);
  return make("unavailable", ctx, `${action} failed: ${code}${detail ? `: ${detail}` : ""}`);
}
