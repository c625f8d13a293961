/**
 * pulumi-ekm/components/aws: `ekm:aws:ByokKey`, the customer side of BYOK on AWS KMS (a KMS key,
 * its alias and the IAM role the platform assumes). Needs `@pulumi/aws`.
 */
export { ByokKey, type ByokKeyArgs, type AwsKeyOptions, type AwsRoleOptions, type AwsTrust, type PolicyMode } from "./byokKey";
/** What `ByokKey.byokConfig` outputs. */
export type { AwsByokKeyConfig } from "../../sdk/types";
