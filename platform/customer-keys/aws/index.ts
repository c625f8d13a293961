/** The platform's use of a customer's AWS KMS key: `createAwsCustomerKey` implements `CustomerKey` (source `byok-aws`). */
export { createAwsCustomerKey } from "./customerKey";
export {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TIMEOUT_MS,
  SESSION_DURATION_SECONDS,
  SESSION_REFRESH_MARGIN_MS,
  type AwsCustomerKeyOptions,
  type AwsService,
} from "./options";
export { mapAwsError, type AwsAction, type AwsErrorContext } from "./errors";
export {
  checkTrustPolicy,
  keyMetadataProblems,
  type TrustExpectation,
  type TrustFinding,
} from "./validate";
export { checkKeyUsePolicy, type KeyUseExpectation } from "./rolePolicy";
