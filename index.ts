/**
 * pulumi-ekm: Enterprise Key Management as code. The root entry holds what a Pulumi program uses:
 *
 * - `ByokConfiguration` (with its arguments, its outputs and its type token): registers an
 *   account's key with the platform.
 * - `components`: the customer side on AWS (`components.aws.ByokKey`) and Azure (`components.azure.ByokKey`),
 *   also at `pulumi-ekm/components`.
 * - `PlatformClient` and `PlatformError`: the typed client of the Key Management API. The whole
 *   contract (schemas, facts, client options) is at `pulumi-ekm/sdk`; the mocks at `pulumi-ekm/testing`.
 */
export { ByokConfiguration, type ByokConfigurationArgs } from "./dynamic-providers/byokConfiguration";
export { BYOK_CONFIGURATION_TYPE } from "./dynamic-providers/token";
export type { ByokOutputs as ByokConfigurationOutputs, ByokKeyConfigInput } from "./dynamic-providers/types";
export type { ByokKeyConfig, AwsByokKeyConfig, AzureByokKeyConfig } from "./sdk/schemas/byok";
export * as components from "./components";
export { PlatformClient, type PlatformClientOptions } from "./sdk/client/platformClient";
export { PlatformError, isPlatformError } from "./sdk/client/errors";
