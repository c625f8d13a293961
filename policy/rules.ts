/**
 * Which judge runs for which catalog rule on which resource type, and which thresholds each
 * rule reads. One policy per catalog rule of scope `policy` or `both` that can be judged on
 * inputs; the rule ids, severities and thresholds come from the shared catalog
 * (sdk/contract/posture.ts) that `ekm audit` reports with.
 */
import { RULES, type PostureRule } from "../sdk/contract/posture";
import { BYOK_CONFIGURATION_TYPE } from "../dynamic-providers/token";
import { AWS_BYOK_KEY_TYPE, AZURE_BYOK_KEY_TYPE } from "../components/tokens";
import type { PolicyThresholds } from "./config";
import type { Judge } from "./values";
import * as aws from "./judges/aws";
import * as azure from "./judges/azure";
import { activationDateSanity } from "./judges/byokConfiguration";

/** The raw resource types the pack judges, as the engine names them. */
export const RESOURCE_TYPES = {
  kmsKey: "aws:kms/key:Key",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamPolicy: "aws:iam/policy:Policy",
  keyVault: "azure-native:keyvault:Vault",
  keyVaultKey: "azure-native:keyvault:Key",
} as const;

/** One policy of the pack: a catalog rule, the judges per resource type, the thresholds it reads. */
export interface PackRule {
  readonly rule: PostureRule;
  readonly judges: Readonly<Record<string, Judge>>;
  readonly config: readonly (keyof PolicyThresholds)[];
}

const T = RESOURCE_TYPES;

/** Every policy of the pack, in catalog order. */
export const PACK_RULES: readonly PackRule[] = [
  { rule: RULES.rotationOff, judges: { [T.kmsKey]: aws.kmsKeyRotationOff, [T.keyVaultKey]: azure.keyVaultKeyRotationOff }, config: [] },
  {
    rule: RULES.rotationPeriodTooLong,
    judges: {
      [AWS_BYOK_KEY_TYPE]: aws.byokKeyRotationPeriod,
      [T.kmsKey]: aws.kmsKeyRotationPeriod,
      [AZURE_BYOK_KEY_TYPE]: azure.byokKeyRotationPeriod,
      [T.keyVaultKey]: azure.keyVaultKeyRotationPeriod,
    },
    config: ["maxRotationPeriodDays"],
  },
  { rule: RULES.keyNoExpiry, judges: { [T.keyVaultKey]: azure.keyVaultKeyNoExpiry }, config: [] },
  { rule: RULES.rsaKeyTooSmall, judges: { [AZURE_BYOK_KEY_TYPE]: azure.byokKeyRsaSize, [T.keyVaultKey]: azure.keyVaultKeyRsaSize }, config: ["minRsaKeySize"] },
  { rule: RULES.deletionWindowShort, judges: { [AWS_BYOK_KEY_TYPE]: aws.byokKeyDeletionWindow, [T.kmsKey]: aws.kmsKeyDeletionWindow }, config: ["minDeletionWindowDays"] },
  { rule: RULES.purgeProtectionOff, judges: { [T.keyVault]: azure.vaultPurgeProtection }, config: [] },
  { rule: RULES.vaultRbacOff, judges: { [T.keyVault]: azure.vaultRbac }, config: [] },
  { rule: RULES.trustWithoutExternalId, judges: { [AWS_BYOK_KEY_TYPE]: aws.byokKeyTrustExternalId, [T.iamRole]: aws.roleTrustExternalId }, config: [] },
  { rule: RULES.wildcardResource, judges: { [T.iamRolePolicy]: aws.wildcardKmsResource, [T.iamPolicy]: aws.wildcardKmsResource }, config: [] },
  {
    rule: RULES.documentedPolicy,
    judges: {
      [AWS_BYOK_KEY_TYPE]: aws.byokKeyDocumentedPolicy,
      [T.iamRolePolicy]: aws.documentedPolicyDocument,
      [T.iamPolicy]: aws.documentedPolicyDocument,
      [T.kmsKey]: aws.documentedPolicyDocument,
    },
    config: ["allowDocumentedPolicy"],
  },
  { rule: RULES.activationDateSanity, judges: { [BYOK_CONFIGURATION_TYPE]: activationDateSanity }, config: ["maxActivationPastDays"] },
];
