/**
 * Options of the platform's use of a customer's AWS KMS key, their defaults, and the values
 * derived from them (region and partition from the key ARN).
 *
 * Endpoints are not an option: the AWS SDK for JavaScript v3 reads `AWS_ENDPOINT_URL_KMS`,
 * `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM` and `AWS_ENDPOINT_URL` itself
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html; in 3.1161.0 this is
 * `getEndpointUrlConfig` in `@smithy/core` endpoints), which is how tests point it at moto.
 */
import type { STSClientConfig } from "@aws-sdk/client-sts";
import { IAM_ROLE_ARN_PATTERN, KMS_KEY_ARN_PATTERN, kmsKeyArnProblem, quote, roleArnProblem } from "../../../sdk/schemas/formats";

/** The AWS services the platform calls for a customer key. */
export type AwsService = "sts" | "kms" | "iam";

/** How the platform reaches one account's customer key on AWS KMS. */
export interface AwsCustomerKeyOptions {
  /** The platform account the key protects: the encryption context is `{tenant_id: accountId}`, the session name `ekm-<accountId>`. */
  readonly accountId: string;
  /** The customer's KMS key ARN; its region is where KMS (and STS) are called. */
  readonly keyArn: string;
  /** The customer's IAM role the platform assumes. */
  readonly roleArn: string;
  /** The account's external ID, sent as `ExternalId` on AssumeRole (confused-deputy protection). */
  readonly externalId: string;
  /**
   * Deadline of each AWS call, retries included, in ms: an abort signal ends the call, and the
   * HTTP handler's connection and request timeouts end a hung socket. An operation makes at most
   * two calls in a row (AssumeRole when the cached session is stale, then KMS).
   * @default 2000
   */
  readonly timeoutMs?: number;
  /** Attempts per AWS call, the first included (the SDK's standard retry strategy). @default 2 */
  readonly maxAttempts?: number;
  /** The platform's own base credentials, used for AssumeRole (and iam:GetRole). @default the SDK's default credential chain */
  readonly credentials?: STSClientConfig["credentials"];
  /**
   * Observes every HTTP attempt (retries included) to AWS, with the operation name, e.g.
   * `("kms", "GenerateDataKey")`; a middleware on each client's stack calls it. Meant for
   * counting real calls in tests and metrics; it must not throw.
   * @default none
   */
  readonly onCall?: (service: AwsService, command: string) => void;
  /**
   * Local-platform check: after AssumeRole, read the role with iam:GetRole using the platform's
   * base credentials and verify that its trust policy allows sts:AssumeRole with
   * `StringEquals sts:ExternalId = externalId` (and trusts `platformPrincipalArn` when given).
   * moto does not enforce the trust policy's conditions, so the local reference platform turns
   * this on; on real AWS the platform cannot read a role in the customer's account and STS
   * enforces the condition itself. Needs `@aws-sdk/client-iam`, loaded only when on.
   * @default false
   */
  readonly inspectTrustPolicy?: boolean;
  /** The platform principal the role must trust, named in messages (and checked by `inspectTrustPolicy`). @default unnamed */
  readonly platformPrincipalArn?: string;
  /** Clock in ms since the epoch, for the session cache (tests). @default Date.now */
  readonly now?: () => number;
}

/** Each AWS call's deadline when `timeoutMs` is not given. */
export const DEFAULT_TIMEOUT_MS = 2000;
/** Attempts per AWS call when `maxAttempts` is not given. */
export const DEFAULT_MAX_ATTEMPTS = 2;
/** The assumed-role session length: 1 h, as the customer-side role is documented. */
export const SESSION_DURATION_SECONDS = 3600;
/** The cached session is replaced this long before it expires. */
export const SESSION_REFRESH_MARGIN_MS = 5 * 60_000;

/** The options with defaults applied and the ARN parts the calls need. */
export interface ResolvedAwsCustomerKeyOptions {
  readonly accountId: string;
  readonly keyArn: string;
  readonly roleArn: string;
  readonly roleName: string;
  readonly externalId: string;
  readonly partition: string;
  readonly region: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly credentials?: STSClientConfig["credentials"];
  readonly onCall?: (service: AwsService, command: string) => void;
  readonly inspectTrustPolicy: boolean;
  readonly platformPrincipalArn?: string;
  readonly now: () => number;
  /** `ekm-<accountId>`, cut to the 64 characters STS allows. */
  readonly sessionName: string;
}

/**
 * Applies the defaults and parses the ARNs. Throws a TypeError naming the option, the value and
 * the fix when an input is malformed: the API validates them before they get here, so this is a
 * programming error, not a customer's.
 */
export function resolveAwsCustomerKeyOptions(opts: AwsCustomerKeyOptions): ResolvedAwsCustomerKeyOptions {
  const keyProblem = kmsKeyArnProblem(opts.keyArn);
  const key = KMS_KEY_ARN_PATTERN.exec(opts.keyArn);
  if (keyProblem !== undefined || key === null) {
    throw new TypeError(`keyArn ${keyProblem ?? "is not a KMS key ARN"}; received ${quote(opts.keyArn)}`);
  }
  const roleProblem = roleArnProblem(opts.roleArn);
  const role = IAM_ROLE_ARN_PATTERN.exec(opts.roleArn);
  if (roleProblem !== undefined || role === null) {
    throw new TypeError(`roleArn ${roleProblem ?? "is not an IAM role ARN"}; received ${quote(opts.roleArn)}`);
  }
  if (opts.accountId === "") throw new TypeError("accountId must not be empty");
  if (opts.externalId === "") throw new TypeError("externalId must not be empty");
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive number of milliseconds; received ${quote(opts.timeoutMs)}`);
  }
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`maxAttempts must be an integer of at least 1; received ${quote(opts.maxAttempts)}`);
  }
  return {
    accountId: opts.accountId,
    keyArn: opts.keyArn,
    roleArn: opts.roleArn,
    roleName: role[4],
    externalId: opts.externalId,
    partition: key[1],
    region: key[2],
    timeoutMs,
    maxAttempts,
    credentials: opts.credentials,
    onCall: opts.onCall,
    inspectTrustPolicy: opts.inspectTrustPolicy ?? false,
    platformPrincipalArn: opts.platformPrincipalArn,
    now: opts.now ?? Date.now,
    // RoleSessionName: 2-64 characters of [\w+=,.@-]: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    sessionName: `ekm-${opts.accountId}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
  };
}
