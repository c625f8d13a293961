/**
 * Dynamic providers: the platform side of BYOK as Pulumi resources.
 *
 * `ByokConfiguration` registers an account's key with the platform; its provider is
 * `byokConfigurationProvider`. The pure parts (input check, diff) are exported for tests and tools.
 */
export {
  ByokConfiguration,
  BYOK_CONFIGURATION_MODULE,
  BYOK_CONFIGURATION_TOKEN,
  BYOK_CONFIGURATION_TYPE,
  type ByokConfigurationArgs,
} from "./byokConfiguration";
export { byokConfigurationProvider, operationsCandidates, type ByokConfigurationProvider } from "./provider";
export { diffByok, sameKey } from "./diff";
export { checkByokInputs, needsDryRun, validationFailures, dryRunFailure, type CheckOutcome, type CheckFailure, type DryRunOutcome } from "./check";
export { UNKNOWN, type ByokInputs, type ByokKeyConfigInput, type ByokOutputs, type Inputs, type TaggedInputs } from "./types";
