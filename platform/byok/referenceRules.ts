/**
 * The platform's rules for a key reference beyond its schema: an AWS role in the key's partition;
 * an Azure vault on a host the platform may call (`./vaultHostGuard.ts`). Applied to every request
 * (422, nothing called), and again to stored configurations, which may predate a rule or be edited
 * in the store: one that no longer passes falls back to the platform key (`degraded`, with the
 * reason) instead of failing requests.
 */
import { awsReferenceProblem, vaultUrlProblem, type AwsKeyReference, type AzureKeyReference } from "../../sdk/schemas";
import { CustomerKeyError } from "../customer-keys/types";
import { ValidationFailedError } from "../errors";
import type { StoredKey } from "../store/byokConfigs";
import { assertVaultHostAllowed, type VaultHostRules } from "./vaultHostGuard";

/** A rule a reference breaks: the field and the message. */
export interface ReferenceProblem {
  readonly field: string;
  readonly message: string;
}

/** The first rule `reference` breaks, or undefined. */
export function referenceProblem(config: StoredKey, rules: VaultHostRules): ReferenceProblem | undefined {
  if (config.provider === "aws") {
    const { keyArn, roleArn } = config.reference as AwsKeyReference;
    const problem = awsReferenceProblem(keyArn, roleArn);
    return problem ? { field: "aws.roleArn", message: `aws.roleArn ${problem}` } : undefined;
  }
  const { vaultUrl } = config.reference as AzureKeyReference;
  const problem = typeof vaultUrl === "string" ? vaultUrlProblem(vaultUrl) : "is required";
  if (problem) return { field: "azure.vaultUrl", message: `azure.vaultUrl ${problem}` };
  try {
    assertVaultHostAllowed(vaultUrl, rules);
  } catch (err) {
    return { field: "azure.vaultUrl", message: (err as Error).message };
  }
  return undefined;
}

/** Refuses a request's reference with 422 naming the field; nothing is called. */
export function assertReferenceAllowed(config: StoredKey, rules: VaultHostRules): void {
  const problem = referenceProblem(config, rules);
  if (problem) throw new ValidationFailedError("validation_failed", problem.message, { field: problem.field });
}

/** A stored configuration that no longer passes the rules, as the customer-key failure it amounts to. */
export function storedReferenceError(config: StoredKey, rules: VaultHostRules): CustomerKeyError | undefined {
  const problem = referenceProblem(config, rules);
  if (!problem) return undefined;
  return new CustomerKeyError("invalid-key", "stored configuration", `the stored configuration no longer passes the platform's rules (${problem.message}): PUT a corrected configuration, or DELETE it`);
}
