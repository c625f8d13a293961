// mapAwsError: every AWS failure the platform meets becomes a CustomerKeyError with a kind and an exact, actionable message.
import { expect } from "chai";
import {
  DisabledException,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSInternalException,
  KMSInvalidStateException,
  KMSServiceException,
  NotFoundException,
} from "@aws-sdk/client-kms";
import { ExpiredTokenException, RegionDisabledException, STSServiceException } from "@aws-sdk/client-sts";
import { mapAwsError, type AwsAction, type AwsErrorContext } from "../../../../platform/customer-keys/aws/errors";
import { CustomerKeyError, type CustomerKeyErrorKind } from "../../../../platform/customer-keys/types";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE = "arn:aws:iam::111122223333:role/ekm-platform-access";

function ctx(action: AwsAction, extra: Partial<AwsErrorContext> = {}): AwsErrorContext {
  return { action, accountId: "acct-42", keyArn: KEY, roleArn: ROLE, externalId: "ext-42", timeoutMs: 2000, ...extra };
}

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** An unmodelled KMS (JSON protocol) error, as the SDK builds it from the wire. */
function kmsError(name: string, message: string, status = 400): Error {
  return new KMSServiceException({ name, message, $fault: status >= 500 ? "server" : "client", ...meta(status) });
}

/** An STS (query protocol) error, which also carries `Code`. */
function stsError(name: string, message: string, status = 403): Error {
  return Object.assign(new STSServiceException({ name, message, $fault: "client", ...meta(status) }), { Code: name });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:4566`), { code, errno: -111, $metadata: { attempts: 2 } });
}

interface Case {
  readonly when: string;
  readonly err: unknown;
  readonly ctx: AwsErrorContext;
  readonly kind: CustomerKeyErrorKind;
  readonly message: string;
}

const cases: Case[] = [
  {
    when: "AssumeRole is denied (role missing, trust policy, or external ID)",
    err: stsError("AccessDenied", "User: arn:aws:iam::999:user/platform is not authorized to perform: sts:AssumeRole"),
    ctx: ctx("sts:AssumeRole"),
    kind: "access-denied",
    message:
      `sts:AssumeRole denied for role ${ROLE} — the role must exist and its trust policy must allow the platform principal ` +
      "(GET /v1/accounts/acct-42/key-management/trust) to call sts:AssumeRole with condition StringEquals sts:ExternalId = ext-42",
  },
  {
    when: "AssumeRole is denied and the platform principal is known",
    err: stsError("AccessDenied", "not authorized"),
    ctx: ctx("sts:AssumeRole", { platformPrincipalArn: "arn:aws:iam::999988887777:role/ekm-platform" }),
    kind: "access-denied",
    message:
      `sts:AssumeRole denied for role ${ROLE} — the role must exist and its trust policy must allow arn:aws:iam::999988887777:role/ekm-platform ` +
      "to call sts:AssumeRole with condition StringEquals sts:ExternalId = ext-42",
  },
  {
    when: "GenerateDataKey is denied",
    err: kmsError("AccessDeniedException", "User: arn:aws:sts::111122223333:assumed-role/x/ekm-acct-42 is not authorized"),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "access-denied",
    message:
      `kms:GenerateDataKey denied for role ${ROLE} — the role policy must allow kms:GenerateDataKey on ${KEY} with condition ` +
      "StringEquals kms:EncryptionContext:tenant_id = acct-42, and the key policy must let IAM policies grant it " +
      "(the account root statement or one naming the role)",
  },
  {
    when: "Decrypt is denied",
    err: kmsError("AccessDeniedException", "not authorized"),
    ctx: ctx("kms:Decrypt"),
    kind: "access-denied",
    message:
      `kms:Decrypt denied for role ${ROLE} — the role policy must allow kms:Decrypt on ${KEY} with condition ` +
      "StringEquals kms:EncryptionContext:tenant_id = acct-42, and the key policy must let IAM policies grant it " +
      "(the account root statement or one naming the role)",
  },
  {
    when: "DescribeKey is denied (the seed policy's condition never matches DescribeKey)",
    err: kmsError("AccessDeniedException", "not authorized"),
    ctx: ctx("kms:DescribeKey"),
    kind: "access-denied",
    message:
      `kms:DescribeKey denied for role ${ROLE} — the role policy must allow kms:DescribeKey on ${KEY} without a condition ` +
      "(DescribeKey carries no encryption context, so a kms:EncryptionContext condition never matches), " +
      "and the key policy must let IAM policies grant it (the account root statement or one naming the role)",
  },
  {
    when: "iam:GetRole is denied to the platform's own credentials",
    err: Object.assign(new Error("denied"), { name: "AccessDeniedException", Code: "AccessDenied", $fault: "client", ...meta(403) }),
    ctx: ctx("iam:GetRole"),
    kind: "access-denied",
    message: `iam:GetRole denied on ${ROLE} for the platform's own credentials — the local platform's trust-policy inspection needs iam:GetRole on the role`,
  },
  {
    when: "a 403 comes back that the SDK could not parse (moto's XML AccessDenied on the JSON KMS protocol)",
    err: Object.assign(new SyntaxError(`Unexpected token '<', "<?xml vers"... is not valid JSON\n  Deserialization error: …`), { ...meta(403) }),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "access-denied",
    message:
      `kms:GenerateDataKey denied for role ${ROLE} — the role policy must allow kms:GenerateDataKey on ${KEY} with condition ` +
      "StringEquals kms:EncryptionContext:tenant_id = acct-42, and the key policy must let IAM policies grant it " +
      "(the account root statement or one naming the role)",
  },
  {
    when: "the key does not exist",
    err: new NotFoundException({ message: `Key '${KEY}' does not exist`, ...meta(400) }),
    ctx: ctx("kms:DescribeKey"),
    kind: "not-found",
    message: `kms:DescribeKey failed: key ${KEY} was not found in eu-west-1 — check the key ARN (account, region and key id) and that the key still exists`,
  },
  {
    when: "the role does not exist (iam:GetRole)",
    err: Object.assign(new Error("Role x not found"), { name: "NoSuchEntityException", Code: "NoSuchEntity", $fault: "client", ...meta(404) }),
    ctx: ctx("iam:GetRole"),
    kind: "not-found",
    message: `iam:GetRole failed: role ${ROLE} does not exist — create it or register the right role ARN`,
  },
  {
    when: "the key is disabled",
    err: new DisabledException({ message: `${KEY} is disabled.`, ...meta(400) }),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "disabled",
    message: `kms:GenerateDataKey failed: key ${KEY} is disabled — enable it (kms:EnableKey) or register another key`,
  },
  {
    when: "the key is pending deletion",
    err: new KMSInvalidStateException({ message: `${KEY} is pending deletion.`, ...meta(400) }),
    ctx: ctx("kms:Decrypt"),
    kind: "pending-deletion",
    message: `kms:Decrypt failed: key ${KEY} is pending deletion — cancel the deletion (kms:CancelKeyDeletion), then enable the key (kms:EnableKey)`,
  },
  {
    when: "the key is in another unusable state",
    err: new KMSInvalidStateException({ message: `${KEY} is pending import.`, ...meta(400) }),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "disabled",
    message: `kms:GenerateDataKey failed: key ${KEY} is not in a usable state (${KEY} is pending import.) — the key must be Enabled`,
  },
  {
    when: "Decrypt gets a data key wrapped under another encryption context",
    err: new InvalidCiphertextException({ message: "UnknownError", ...meta(400) }),
    ctx: ctx("kms:Decrypt"),
    kind: "invalid-key",
    message:
      `kms:Decrypt rejected the wrapped data key under key ${KEY} (InvalidCiphertextException) — it was wrapped with a different ` +
      "encryption context than tenant_id = acct-42 (another account's data key), or it is corrupt",
  },
  {
    when: "Decrypt names a key that did not wrap the data key",
    err: new IncorrectKeyException({ message: "The key ID in the request does not identify a CMK that can perform this operation.", ...meta(400) }),
    ctx: ctx("kms:Decrypt"),
    kind: "invalid-key",
    message: `kms:Decrypt failed: the wrapped data key was not wrapped by ${KEY} (IncorrectKeyException) — unwrap it with the key that wrapped it`,
  },
  {
    when: "the key is not a symmetric encryption key",
    err: new InvalidKeyUsageException({ message: "KeyUsage SIGN_VERIFY", ...meta(400) }),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "invalid-key",
    message:
      `kms:GenerateDataKey failed: key ${KEY} cannot encrypt and decrypt data keys (InvalidKeyUsageException) — ` +
      "the platform needs a SYMMETRIC_DEFAULT key with KeyUsage ENCRYPT_DECRYPT",
  },
  {
    when: "KMS throttles",
    err: kmsError("ThrottlingException", "Rate exceeded"),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "unavailable",
    message: "kms:GenerateDataKey was throttled by AWS KMS in eu-west-1 (ThrottlingException) — retry later",
  },
  {
    when: "KMS has an internal error",
    err: new KMSInternalException({ message: "internal", ...meta(500) }),
    ctx: ctx("kms:Decrypt"),
    kind: "unavailable",
    message: "kms:Decrypt failed: AWS KMS in eu-west-1 is unavailable (KMSInternalException) — retry later",
  },
  {
    when: "an unmodelled 5xx comes back",
    err: kmsError("UnknownError", "", 503),
    ctx: ctx("kms:DescribeKey"),
    kind: "unavailable",
    message: "kms:DescribeKey failed: AWS KMS in eu-west-1 is unavailable (UnknownError) — retry later",
  },
  {
    when: "the endpoint refuses the connection",
    err: networkError("ECONNREFUSED"),
    ctx: ctx("sts:AssumeRole"),
    kind: "unavailable",
    message: "sts:AssumeRole could not reach AWS STS in eu-west-1 (ECONNREFUSED) — check the platform's network path and endpoint configuration",
  },
  {
    when: "the host name does not resolve",
    err: networkError("ENOTFOUND"),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "unavailable",
    message: "kms:GenerateDataKey could not reach AWS KMS in eu-west-1 (ENOTFOUND) — check the platform's network path and endpoint configuration",
  },
  {
    when: "the HTTP handler's socket timeout fires",
    err: Object.assign(new Error("@smithy/node-http-handler - the request socket did not establish a connection"), { name: "TimeoutError" }),
    ctx: ctx("kms:Decrypt"),
    kind: "timeout",
    message: "kms:Decrypt timed out after 2000 ms: AWS KMS in eu-west-1 did not answer — retry later",
  },
  {
    when: "the call's deadline aborts it",
    err: Object.assign(new Error("Request aborted"), { name: "AbortError", cause: Object.assign(new Error("deadline"), { name: "TimeoutError" }) }),
    ctx: ctx("sts:AssumeRole", { timeoutMs: 750 }),
    kind: "timeout",
    message: "sts:AssumeRole timed out after 750 ms: AWS STS in eu-west-1 did not answer — retry later",
  },
  {
    when: "the platform's own credentials are rejected by STS",
    err: stsError("InvalidClientTokenId", "The security token included in the request is invalid: AKIAIOSFODNN7EXAMPLE"),
    ctx: ctx("sts:AssumeRole"),
    kind: "unavailable",
    message:
      "sts:AssumeRole failed: the platform's own AWS credentials were rejected (InvalidClientTokenId) — fix the platform's credentials; " +
      "the customer's configuration is not at fault",
  },
  {
    when: "the assumed-role session has expired at KMS",
    err: kmsError("ExpiredTokenException", "The security token included in the request is expired"),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "unavailable",
    message: `kms:GenerateDataKey failed: the session of role ${ROLE} was rejected (ExpiredTokenException) — the platform assumes the role again on the next call`,
  },
  {
    when: "the platform's own session token has expired at STS",
    err: new ExpiredTokenException({ message: "expired", ...meta(400) }),
    ctx: ctx("sts:AssumeRole"),
    kind: "unavailable",
    message:
      "sts:AssumeRole failed: the platform's own AWS credentials were rejected (ExpiredTokenException) — fix the platform's credentials; " +
      "the customer's configuration is not at fault",
  },
  {
    when: "STS is not activated in the key's region",
    err: new RegionDisabledException({ message: "STS is not activated in this region", ...meta(403) }),
    ctx: ctx("sts:AssumeRole"),
    kind: "unavailable",
    message:
      "sts:AssumeRole failed: AWS STS is not activated in eu-west-1 for the platform's account (RegionDisabledException) — activate the region's STS endpoint",
  },
  {
    when: "an unknown client error carries an access key ID",
    err: kmsError("ValidationException", "1 validation error for ASIAIOSFODNN7EXAMPLE: KeySpec"),
    ctx: ctx("kms:GenerateDataKey"),
    kind: "unavailable",
    message: "kms:GenerateDataKey failed: ValidationException: 1 validation error for <redacted>: KeySpec",
  },
  {
    when: "an unknown error has a multi-line message",
    err: Object.assign(new SyntaxError("Unexpected end of JSON input\n  Deserialization error: to see the raw response, inspect $response"), { ...meta(400) }),
    ctx: ctx("kms:Decrypt"),
    kind: "unavailable",
    message: "kms:Decrypt failed: SyntaxError: Unexpected end of JSON input",
  },
  {
    when: "something that is not an Error is thrown",
    err: "boom",
    ctx: ctx("kms:Decrypt"),
    kind: "unavailable",
    message: "kms:Decrypt failed: UnknownError",
  },
];

describe("mapAwsError", () => {
  for (const c of cases) {
    it(`maps to ${c.kind} when ${c.when}`, () => {
      const mapped = mapAwsError(c.err, c.ctx);
      expect(mapped).to.be.instanceOf(CustomerKeyError);
      expect(mapped.kind).to.equal(c.kind);
      expect(mapped.action).to.equal(c.ctx.action);
      expect(mapped.message).to.equal(c.message);
    });
  }

  it("passes a CustomerKeyError through unchanged", () => {
    const original = new CustomerKeyError("disabled", "kms:DescribeKey", "key is disabled");
    expect(mapAwsError(original, ctx("kms:GenerateDataKey"))).to.equal(original);
  });

  it("redacts access key IDs that an AWS message quotes", () => {
    const err = kmsError("SomethingNew", `key AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A rejected`);
    const mapped = mapAwsError(err, ctx("kms:Decrypt"));
    expect(mapped.message).to.equal("kms:Decrypt failed: SomethingNew: key <redacted> and <redacted> rejected");
  });
});
