/**
 * AWS facts of the contract between the platform and a customer's KMS key: the encryption
 * context every data key is bound to, and the actions the platform calls. The components write
 * them into IAM policies, the platform calls them, and the validation names its steps after them.
 *
 * - Encryption context condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-context-key
 * - DescribeKey takes no encryption context: https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 */

/** The encryption context key the platform sends with every Encrypt, Decrypt and GenerateDataKey call; its value is the platform account id. */
export const ENCRYPTION_CONTEXT_KEY = "tenant_id";

/** The IAM condition key that tests that encryption context entry. */
export const ENCRYPTION_CONTEXT_CONDITION_KEY = `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}` as const;

/**
 * The value the seed's documented role policy compares that condition key with: the policy
 * variable `${aws:RequestedRegion}` (a Region name, so it isolates no tenant). The components emit
 * it only with `policy: "documented"`; the audit and the policy pack recognise that policy by it.
 */
export const DOCUMENTED_POLICY_CONDITION_VALUE = "${aws:RequestedRegion}";

/** The encryption context that binds a data key to its account: `{tenant_id: <accountId>}`. */
export function encryptionContext(accountId: string): Record<typeof ENCRYPTION_CONTEXT_KEY, string> {
  return { [ENCRYPTION_CONTEXT_KEY]: accountId };
}

/** The AWS actions the platform calls on the customer's role and key. */
export const AWS_ACTIONS = {
  assumeRole: "sts:AssumeRole",
  describeKey: "kms:DescribeKey",
  encrypt: "kms:Encrypt",
  decrypt: "kms:Decrypt",
  generateDataKey: "kms:GenerateDataKey",
} as const;

/** One of the AWS actions the platform calls. */
export type AwsContractAction = (typeof AWS_ACTIONS)[keyof typeof AWS_ACTIONS];

/**
 * The key actions that carry the encryption context, so a role policy may (and the
 * least-privilege one does) allow them only with `kms:EncryptionContext:tenant_id = <accountId>`.
 */
export const KEY_USE_ACTIONS = [AWS_ACTIONS.encrypt, AWS_ACTIONS.decrypt, AWS_ACTIONS.generateDataKey] as const;

/** The key action that carries no encryption context, so no encryption-context condition can match it. */
export const KEY_DESCRIBE_ACTION = AWS_ACTIONS.describeKey;

/** Every KMS action the platform needs on the key, in the order the published role policy lists them. */
export const KEY_ACTIONS = [AWS_ACTIONS.encrypt, AWS_ACTIONS.decrypt, AWS_ACTIONS.describeKey, AWS_ACTIONS.generateDataKey] as const;
