/**
 * pulumi-ekm: Enterprise Key Management as code.
 *
 * - `ByokConfiguration`: the dynamic resource that registers a customer key with the platform.
 * - `components`: the customer side on AWS (`aws.ByokKey`) and Azure (`azure.ByokKey`).
 * - `sdk`: the Key Management API contract and `PlatformClient` (also at `pulumi-ekm/sdk`).
 */
export * as sdk from "./sdk";
export * from "./dynamic-providers";
export * as components from "./components";
