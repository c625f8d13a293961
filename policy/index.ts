/**
 * pulumi-ekm/policy: the BYOK posture rules as a CrossGuard policy pack, judged on resource inputs
 * before deploy (`pulumi preview --policy-pack <dir>`). Needs `@pulumi/policy` (an optional peer
 * dependency); loads no cloud SDK. A pack folder's index.ts is two lines:
 *
 * ```ts
 * import { PolicyPack } from "@pulumi/policy";
 * import { EKM_POLICY_PACK_NAME, ekmPolicyPackArgs } from "pulumi-ekm/policy";
 * new PolicyPack(EKM_POLICY_PACK_NAME, ekmPolicyPackArgs());
 * ```
 *
 * Constructing the pack starts its gRPC server, so this module only returns the arguments.
 */
export { ekmPolicies, ekmPolicyPackArgs, policyOf, defaultEnforcement, EKM_POLICY_PACK_NAME, type EkmPolicyOptions } from "./pack";
export { DEFAULT_THRESHOLDS, type PolicyThresholds } from "./config";
export { PACK_RULES, RESOURCE_TYPES, type PackRule } from "./rules";
