/**
 * pulumi-ekm: Enterprise Key Management as code. The root entry holds what a Pulumi program uses:
 *
 * - `ByokConfiguration` (with its arguments, its outputs and its type token): registers an
 *   account's key with the platform.
 * - `PlatformError` and `isPlatformError`: what a failed platform call throws.
 *
 * The customer side has one entry point per cloud, `pulumi-ekm/components/aws` and
 * `pulumi-ekm/components/azure` (`ByokKey`), so a program installs and type-checks only its own
 * cloud's provider package; the mocks are at `pulumi-ekm/testing`; the whole contract (schemas,
 * facts, `PlatformClient`) is at `pulumi-ekm/sdk`. This entry names neither cloud's provider
 * types nor zod's, so it type-checks under any tsconfig, whichever cloud the project installs.
 */
export { ByokConfiguration, type ByokConfigurationArgs } from "./dynamic-providers/byokConfiguration";
export { BYOK_CONFIGURATION_TYPE } from "./dynamic-providers/token";
export type { ByokOutputs as ByokConfigurationOutputs, ByokKeyConfigInput } from "./dynamic-providers/types";
export type { ByokKeyConfig, AwsByokKeyConfig, AzureByokKeyConfig } from "./sdk/types";
export { PlatformError, isPlatformError } from "./sdk/client/errors";
