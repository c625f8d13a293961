/**
 * The customer-key view on AWS: read-only calls with the customer's own credentials (the SDK's
 * default chain: AWS_PROFILE, environment, SSO, instance role). Per account: `kms:DescribeKey`,
 * `kms:GetKeyRotationStatus`, `kms:GetKeyPolicy`, `iam:GetRole` and `iam:GetRolePolicy` for each
 * inline policy the stack declares (`iam:ListRolePolicies` first when it declares none).
 * A read the credentials may not make becomes a `notRead` entry, never a silent pass.
 *
 * - DescribeKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 * - GetKeyRotationStatus (with RotationPeriodInDays): https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html
 * - GetKeyPolicy: https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html
 * - GetRole / GetRolePolicy (URL-encoded documents): https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import type { AwsKeyReference } from "../../sdk";
import { policyOf } from "../declared";
import { AuditError } from "../errors";
import type { AwsLiveView, DeclaredAwsKey, IamPolicy, NotRead } from "../model";

/** The AWS SDK clients one audit shares across accounts (one KMS client per region). */
export class AwsReaders {
  readonly #kms = new Map<string, KMSClient>();
  #iam?: IAMClient;
  /** Counts every call by action, for the benchmark and the report's coverage. */
  readonly calls = new Map<string, number>();

  kms(region: string): KMSClient {
    let c = this.#kms.get(region);
    if (!c) this.#kms.set(region, (c = new KMSClient({ region })));
    return c;
  }
  iam(): IAMClient {
    // IAM is global; its endpoint lives in us-east-1 (https://docs.aws.amazon.com/general/latest/gr/iam-service.html).
    return (this.#iam ??= new IAMClient({ region: process.env.AWS_REGION ?? "us-east-1" }));
  }
  count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
  }
  destroy(): void {
    for (const c of this.#kms.values()) c.destroy();
    this.#iam?.destroy();
  }
}

/** An AWS SDK error's name (`NotFoundException`, `NoSuchEntity`, `AccessDeniedException`, …). */
const errorName = (err: unknown): string => String((err as { name?: string }).name ?? "Error");
const isNotFound = (err: unknown) => ["NotFoundException", "NoSuchEntityException", "NoSuchEntity"].includes(errorName(err));

/**
 * Errors that mean the audit cannot look at all (bad or missing credentials, AWS unreachable),
 * as opposed to one read it may not make (AccessDenied: a coverage gap):
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 */
const CREDENTIAL_ERRORS = new Set(["CredentialsProviderError", "UnrecognizedClientException", "InvalidClientTokenId", "InvalidClientTokenIdException", "ExpiredToken", "ExpiredTokenException", "InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature"]);

/** An AuditError for `err` when it means the AWS view cannot run at all, else undefined. */
export function awsFailure(err: unknown, action: string): AuditError | undefined {
  const name = errorName(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (CREDENTIAL_ERRORS.has(name)) {
    return new AuditError(`AWS refused the audit's credentials on ${action} (${name}: ${(err as Error).message})`, "set the customer's read-only credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), or drop --customer-keys aws");
  }
  if (status === undefined) {
    return new AuditError(`AWS did not answer ${action} (${name}: ${(err as Error).message})`, "check the network path to AWS (and AWS_ENDPOINT_URL if set), or drop --customer-keys aws");
  }
  return undefined;
}

/** The IAM API returns policy documents URL-encoded. */
const iamDocument = (v: string | undefined): IamPolicy | undefined => (v === undefined ? undefined : policyOf(decodeURIComponent(v)));

/** Reads the key and role `ref` names. */
export async function readAwsLiveView(readers: AwsReaders, ref: AwsKeyReference, declared: DeclaredAwsKey | undefined): Promise<AwsLiveView> {
  const region = ref.keyArn.split(":")[3]!;
  const roleName = ref.roleArn.split("/").at(-1)!;
  const notRead: NotRead[] = [];
  const missing: ("key" | "role")[] = [];
  const requestIds: Record<string, string> = {};
  const call = async <T extends { $metadata: { requestId?: string } }>(action: string, run: () => Promise<T>): Promise<T | undefined> => {
    readers.count(action);
    try {
      const out = await run();
      if (out.$metadata.requestId) requestIds[action] = out.$metadata.requestId;
      return out;
    } catch (err) {
      if (isNotFound(err)) throw err;
      const fatal = awsFailure(err, action);
      if (fatal) throw fatal;
      notRead.push({ what: action, reason: `${errorName(err)}: ${(err as Error).message}` });
      return undefined;
    }
  };
  const kms = readers.kms(region);
  const iam = readers.iam();

  const keyPart = (async () => {
    try {
      const [d, r, p] = await Promise.all([
        call("kms:DescribeKey", () => kms.send(new DescribeKeyCommand({ KeyId: ref.keyArn }))),
        call("kms:GetKeyRotationStatus", () => kms.send(new GetKeyRotationStatusCommand({ KeyId: ref.keyArn }))),
        call("kms:GetKeyPolicy", () => kms.send(new GetKeyPolicyCommand({ KeyId: ref.keyArn, PolicyName: "default" }))),
      ]);
      const m = d?.KeyMetadata;
      if (!m) return undefined;
      return {
        arn: m.Arn ?? ref.keyArn,
        keyState: String(m.KeyState),
        enabled: m.Enabled === true,
        deletionDate: m.DeletionDate?.toISOString(),
        rotationEnabled: r?.KeyRotationEnabled,
        rotationPeriodDays: r?.KeyRotationEnabled ? r.RotationPeriodInDays : undefined,
        policy: policyOf(p?.Policy),
      };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push("key");
      return undefined;
    }
  })();

  const rolePart = (async () => {
    try {
      const named = declared?.rolePolicies.map((p) => p.name).filter((n) => n !== "");
      const [role, names] = await Promise.all([
        call("iam:GetRole", () => iam.send(new GetRoleCommand({ RoleName: roleName }))),
        named && named.length > 0 ? named : call("iam:ListRolePolicies", () => iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).then((o) => o?.PolicyNames ?? []),
      ]);
      const policies = await Promise.all(
        names.map(async (name) => {
          try {
            const out = await call("iam:GetRolePolicy", () => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
            return out && { name, policy: iamDocument(out.PolicyDocument) ?? { Statement: [] } };
          } catch (err) {
            // A declared inline policy that is gone is drift, not a missing role.
            if (isNotFound(err)) return { name, policy: undefined };
            throw err;
          }
        }),
      );
      if (!role?.Role) return undefined;
      return {
        arn: role.Role.Arn ?? ref.roleArn,
        name: roleName,
        trust: iamDocument(role.Role.AssumeRolePolicyDocument) ?? { Statement: [] },
        policies: policies.filter((p): p is { name: string; policy: IamPolicy } => p !== undefined && p.policy !== undefined),
      };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push("role");
      return undefined;
    }
  })();

  const [key, role] = await Promise.all([keyPart, rolePart]);
  return { provider: "aws", key, role, missing, notRead, requestIds };
}
