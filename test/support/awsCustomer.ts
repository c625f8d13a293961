// The customer side in moto, provisioned as a customer would: a KMS key with rotation on, and a
// role that trusts the platform with the account's external ID and holds the two-statement
// least-privilege policy (components/aws/policies.ts).
import { randomUUID } from "node:crypto";
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { ENCRYPTION_CONTEXT_CONDITION_KEY } from "../../sdk/contract";
import { motoClientConfig } from "./moto";

/** moto's default account; its `testing` credentials act as `arn:aws:iam::123456789012:user/moto`. */
export const MOTO_ACCOUNT = "123456789012";
/** The platform principal when the platform runs with moto's default credentials. */
export const MOTO_PLATFORM_PRINCIPAL = `arn:aws:iam::${MOTO_ACCOUNT}:user/moto`;

/** What was provisioned. */
export interface Customer {
  readonly keyArn: string;
  readonly keyId: string;
  readonly roleArn: string;
  readonly roleName: string;
  /** A KMS client with moto's credentials, to disable or schedule deletion of the key. */
  readonly kms: KMSClient;
}

/** Options of `provisionCustomer`. */
export interface ProvisionOptions {
  /** The platform account the key serves (encryption context tenant_id). */
  readonly accountId: string;
  /** The external ID the role's trust policy requires. */
  readonly externalId: string;
  /** The principal the role trusts. @default MOTO_PLATFORM_PRINCIPAL */
  readonly principalArn?: string;
  /** The tenant_id value the role policy's condition requires. @default accountId */
  readonly policyTenantId?: string;
}

/** Creates the key, the role and its policy in moto. */
export async function provisionCustomer(endpoint: string, opts: ProvisionOptions): Promise<Customer> {
  const config = motoClientConfig(endpoint);
  const kms = new KMSClient(config);
  const iam = new IAMClient(config);
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
  };
  const key = await kms.send(new CreateKeyCommand({ Description: `ekm ${opts.accountId}`, KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Policy: JSON.stringify(keyPolicy) }));
  const keyArn = key.KeyMetadata!.Arn!;
  const keyId = key.KeyMetadata!.KeyId!;
  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));

  const roleName = `ekm-${opts.accountId}-${randomUUID().slice(0, 8)}`;
  const trust = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: opts.principalArn ?? MOTO_PLATFORM_PRINCIPAL }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": opts.externalId } } },
    ],
  };
  const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: 3600 }));
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "DescribeKey", Effect: "Allow", Action: "kms:DescribeKey", Resource: keyArn },
      {
        Sid: "UseKeyForAccount",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        Resource: keyArn,
        Condition: { StringEquals: { [ENCRYPTION_CONTEXT_CONDITION_KEY]: opts.policyTenantId ?? opts.accountId } },
      },
    ],
  };
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "ekm-key-access", PolicyDocument: JSON.stringify(policy) }));
  iam.destroy();
  return { keyArn, keyId, roleArn: role.Role!.Arn!, roleName, kms };
}

/** Sets process.env for the AWS SDK to reach `endpoint`; returns a function that restores it. */
export function useAwsEndpoint(endpoint: string): () => void {
  const keys = ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_SESSION_TOKEN"] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" });
  delete process.env.AWS_SESSION_TOKEN;
  return () => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}
