/**
 * Dynamic providers: the platform side of BYOK as Pulumi resources.
 *
 * `ByokConfiguration` registers an account's key with the platform (also exported from the
 * package root). The rest is the implementation the serialized provider loads (its provider
 * object, the input check, the diff), exported for tests and tools and marked `@internal`: it may
 * change in any release.
 */
export { ByokConfiguration, type ByokConfigurationArgs } from "./byokConfiguration";
export { BYOK_CONFIGURATION_TYPE, BYOK_CONFIGURATION_MODULE } from "./token";
export { byokConfigurationProvider, operationsCandidates, type ByokConfigurationProvider } from "./provider";
export { diffByok, sameKey } from "./diff";
export { checkByokInputs, needsDryRun, validationFailures, dryRunFailure, type CheckOutcome, type CheckFailure, type DryRunOutcome } from "./check";
export { UNKNOWN, type ByokInputs, type ByokKeyConfigInput, type ByokOutputs, type Inputs, type TaggedInputs } from "./types";
