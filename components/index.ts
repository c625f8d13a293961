/**
 * Pulumi components for the customer side of BYOK.
 *
 * `aws` and `azure` are loaded on first use, so a program that only uses one cloud does not
 * need the other cloud's provider package (both are optional peer dependencies).
 *
 * ```ts
 * import { aws } from "pulumi-ekm/components";
 * const key = new aws.ByokKey("byok", { accountId: "acct-3f9a1c2b7d4e5f60" });
 * ```
 */
import type * as awsComponents from "./aws/byokKey";
import type * as azureComponents from "./azure/byokKey";

export { resolvePlatformConnection, PlatformConnectionError, PLATFORM_CONNECTION_KEYS, type PlatformConnection, type PlatformConnectionSources } from "./platformConnection";
export type { ByokKeyArgs as AwsByokKeyArgs, AwsKeyOptions, AwsRoleOptions, AwsTrust, PolicyMode } from "./aws/byokKey";
export type { ByokKeyArgs as AzureByokKeyArgs, AzureKeyOptions, AzureVaultOptions, PermissionSet, RoleStrategy } from "./azure/byokKey";
/** What the components' `byokConfig` outputs: the sdk's key configuration types. */
export type { AwsByokKeyConfig, AzureByokKeyConfig, ByokKeyConfig } from "../sdk/schemas/byok";

/** `ekm:aws:ByokKey` and its types (needs @pulumi/aws). */
export declare const aws: typeof awsComponents;
/** `ekm:azure:ByokKey` and its types (needs @pulumi/azure-native). */
export declare const azure: typeof azureComponents;

Object.defineProperty(module.exports, "aws", { enumerable: true, get: () => require("./aws/byokKey") });
Object.defineProperty(module.exports, "azure", { enumerable: true, get: () => require("./azure/byokKey") });
