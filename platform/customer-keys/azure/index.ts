/** The platform's use of a customer's Azure Key Vault key: `createAzureCustomerKey` implements `CustomerKey` (source `byok-azure`). */
export { createAzureCustomerKey, operationOf } from "./customerKey";
export {
  authorityHostFor,
  DEFAULT_TIMEOUT_MS,
  isAzureVaultHost,
  MAX_RETRIES,
  WRAP_ALGORITHM,
  type AzureCustomerKeyOptions,
  type AzureHttpClient,
  type AzurePipelinePolicy,
  type AzurePipelineRequest,
  type AzurePipelineResponse,
} from "./options";
export {
  mapAzureError,
  type AzureAction,
  type AzureErrorContext,
} from "./errors";
export { keyProblems, MIN_RSA_BITS, modulusBits, recoveryLevelProblem, type KeyProblem } from "./validate";
