/**
 * pulumi-ekm/components: what both customer-side components share (where the platform is and
 * which token to call it with, and the key configuration they output). Each component has its own entry point, so a program that uses
 * one cloud installs and type-checks only that cloud's provider package (both are optional
 * peer dependencies):
 *
 * - `pulumi-ekm/components/aws`: `ekm:aws:ByokKey` (needs `@pulumi/aws`);
 * - `pulumi-ekm/components/azure`: `ekm:azure:ByokKey` (needs `@pulumi/azure-native`).
 *
 * ```ts
 * import { ByokKey } from "pulumi-ekm/components/aws";
 * const key = new ByokKey("byok", { accountId: "acct-3f9a1c2b7d4e5f60" });
 * ```
 */
export { resolvePlatformConnection, PlatformConnectionError, PLATFORM_CONNECTION_KEYS, type PlatformConnection, type PlatformConnectionSources } from "./platformConnection";
/** What the components' `byokConfig` outputs. */
export type { AwsByokKeyConfig, AzureByokKeyConfig, ByokKeyConfig } from "../sdk/types";
