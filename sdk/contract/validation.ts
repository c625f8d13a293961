/**
 * The validation chains the platform runs on a customer key, step by step, and which part of
 * the key reference each step tests (so a client can point a failure at the input to fix).
 */
import { AWS_ACTIONS } from "./aws";
import { KEY_VAULT_OPERATIONS } from "./azure";

/** The AWS chain: assume the role, describe the key, then a data-key round trip with the encryption context. */
export const AWS_VALIDATION_STEPS = [AWS_ACTIONS.assumeRole, AWS_ACTIONS.describeKey, AWS_ACTIONS.generateDataKey, AWS_ACTIONS.decrypt] as const;
/** One step of the AWS chain. */
export type AwsValidationStep = (typeof AWS_VALIDATION_STEPS)[number];

/** The Azure step that checks the key's soft-delete recovery level (read with `keyvault:GetKey`). */
export const RECOVERY_LEVEL_STEP = "keyvault:RecoveryLevel";

/** The Azure chain: read the key, check its recovery level, then wrap and unwrap a test key. */
export const AZURE_VALIDATION_STEPS = [KEY_VAULT_OPERATIONS.getKey, RECOVERY_LEVEL_STEP, KEY_VAULT_OPERATIONS.wrapKey, KEY_VAULT_OPERATIONS.unwrapKey] as const;
/** One step of the Azure chain. */
export type AzureValidationStep = (typeof AZURE_VALIDATION_STEPS)[number];

/** Any validation step. */
export type ValidationStep = AwsValidationStep | AzureValidationStep;

/**
 * The field of the registration body a failed step points at: the role for AssumeRole, the key
 * for the KMS steps, the whole Azure reference for the Key Vault steps (vault, tenant and key
 * name are read together).
 */
export const VALIDATION_STEP_FIELD: Readonly<Record<ValidationStep, string>> = {
  [AWS_ACTIONS.assumeRole]: "aws.roleArn",
  [AWS_ACTIONS.describeKey]: "aws.keyArn",
  [AWS_ACTIONS.generateDataKey]: "aws.keyArn",
  [AWS_ACTIONS.decrypt]: "aws.keyArn",
  [KEY_VAULT_OPERATIONS.getKey]: "azure",
  [RECOVERY_LEVEL_STEP]: "azure",
  [KEY_VAULT_OPERATIONS.wrapKey]: "azure",
  [KEY_VAULT_OPERATIONS.unwrapKey]: "azure",
};
