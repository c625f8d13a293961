/**
 * Pure builders of the IAM documents the AWS ByokKey component attaches: the role's
 * identity policy, its trust policy and the KMS key policy.
 *
 * Why two policies exist, and why least-privilege is the default:
 * the published documentation puts `kms:EncryptionContext:tenant_id = ${aws:RequestedRegion}`
 * over all four actions. DescribeKey requests carry no encryption context, so that
 * condition never matches them and DescribeKey is implicitly denied; and comparing a
 * tenant ID with a Region name isolates nothing. The least-privilege policy therefore
 * allows DescribeKey without a condition, and Encrypt/Decrypt/GenerateDataKey only with
 * the platform account's ID as the `tenant_id` encryption context, on the one key ARN.
 *
 * - Encryption context condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-context-key
 * - DescribeKey takes no encryption context: https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 * - Key policies and the account root statement: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * - Confused deputy and sts:ExternalId: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 *
 * The platform calls KMS directly, so no statement uses `kms:ViaService`.
 */

import { AWS_ACTIONS, DOCUMENTED_POLICY_CONDITION_VALUE, ENCRYPTION_CONTEXT_CONDITION_KEY, KEY_ACTIONS, KEY_DESCRIBE_ACTION, KEY_USE_ACTIONS } from "../../sdk/contract/aws";

/** IAM policy language version. */
export const POLICY_VERSION = "2012-10-17";

/** Name of the inline role policy. */
export const ROLE_POLICY_NAME = "ekm-byok-key-access";

/** Which identity policy the role gets. */
export type PolicyMode = "least-privilege" | "documented";

/** One IAM policy statement, as the documents here use them. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly AWS: string };
  readonly Action: string | readonly string[];
  /** Absent in trust policies, where the role itself is the resource. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: typeof POLICY_VERSION;
  readonly Statement: readonly PolicyStatement[];
}

/** What the role must trust: the platform principal and the per-account external ID. */
export interface AwsTrust {
  /** ARN of the platform's IAM principal, from `GET .../key-management/trust`. */
  readonly principalArn: string;
  /** The external ID the platform sends with sts:AssumeRole for this account. */
  readonly externalId: string;
}

/**
 * The IAM policy the product documentation publishes, reproduced verbatim (including the
 * literal `${aws:RequestedRegion}` policy variable). Only used with `policy: "documented"`.
 */
export function documentedRolePolicy(): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: "Allow",
        Action: [...KEY_ACTIONS],
        Resource: "arn:aws:kms:*:*:key/*",
        Condition: {
          StringEquals: {
            [ENCRYPTION_CONTEXT_CONDITION_KEY]: DOCUMENTED_POLICY_CONDITION_VALUE,
          },
        },
      },
    ],
  };
}

/**
 * The least-privilege identity policy: DescribeKey unconditioned, and Encrypt, Decrypt and
 * GenerateDataKey only with `kms:EncryptionContext:tenant_id = <accountId>`, both on `keyArn` only.
 */
export function leastPrivilegeRolePolicy(keyArn: string, accountId: string): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "AllowPlatformDescribeKey",
        Effect: "Allow",
        Action: KEY_DESCRIBE_ACTION,
        Resource: keyArn,
      },
      {
        Sid: "AllowPlatformUseWithTenantContext",
        Effect: "Allow",
        Action: [...KEY_USE_ACTIONS],
        Resource: keyArn,
        Condition: { StringEquals: { [ENCRYPTION_CONTEXT_CONDITION_KEY]: accountId } },
      },
    ],
  };
}

/** The role's identity policy for `mode`. */
export function rolePolicy(mode: PolicyMode, keyArn: string, accountId: string): PolicyDocument {
  return mode === "documented" ? documentedRolePolicy() : leastPrivilegeRolePolicy(keyArn, accountId);
}

/**
 * The role's trust policy: only `trust.principalArn` may assume it, and only with the
 * account's external ID (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).
 */
export function trustPolicy(trust: AwsTrust): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "AllowPlatformAssumeRoleWithExternalId",
        Effect: "Allow",
        Principal: { AWS: trust.principalArn },
        Action: AWS_ACTIONS.assumeRole,
        Condition: { StringEquals: { "sts:ExternalId": trust.externalId } },
      },
    ],
  };
}

/** The account root principal of the account in `roleArn` (`arn:<partition>:iam::<account>:root`). */
export function accountRootArn(roleArn: string): string {
  const [, partition, , , account] = roleArn.split(":");
  return `arn:${partition}:iam::${account}:root`;
}

/**
 * The key policy: the account root keeps full administration (so IAM policies work and the
 * key can never become unmanageable), and the role gets the same statements as its identity
 * policy, with the key itself (`"*"` in a key policy) as the resource.
 */
export function keyPolicy(mode: PolicyMode, roleArn: string, accountId: string): PolicyDocument {
  const identity = rolePolicy(mode, "*", accountId);
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: "EnableRootAccountAdministration",
        Effect: "Allow",
        Principal: { AWS: accountRootArn(roleArn) },
        Action: "kms:*",
        Resource: "*",
      },
      ...identity.Statement.map((s, i) => ({
        Sid: s.Sid ?? `SeedDocumentedPolicy${i + 1}`,
        Effect: s.Effect,
        Principal: { AWS: roleArn },
        Action: s.Action,
        Resource: "*",
        ...(s.Condition ? { Condition: s.Condition } : {}),
      })),
    ],
  };
}

/** The warning logged when `policy: "documented"` is chosen. */
export const DOCUMENTED_POLICY_WARNING =
  'policy: "documented" attaches the seed documentation\'s IAM policy verbatim. It is weaker than the default "least-privilege" policy: ' +
  "(1) its condition kms:EncryptionContext:tenant_id = ${aws:RequestedRegion} never matches kms:DescribeKey, which carries no encryption context, so DescribeKey is denied and the platform's validation fails; " +
  "(2) it compares the tenant ID with the Region name, which gives no tenant isolation (the platform sends the account ID, so Encrypt, Decrypt and GenerateDataKey are denied too); " +
  "(3) it applies to every KMS key in every account (arn:aws:kms:*:*:key/*). " +
  'Use policy: "least-privilege" unless you must reproduce the documentation exactly.';
