/** The production customer-key factory: AWS KMS through an assumed role; Azure is not built into this platform yet. */
import type { AwsCustomerKeyOptions } from "../../sdk/kms/aws";
import type { CustomerKeyFactory, PlatformSettings } from "../context";
import { ApiError } from "../errors";

/** Extra options for every AWS customer key (tests count calls with `onCall`). */
export interface CustomerKeyOverrides {
  readonly aws?: Partial<Pick<AwsCustomerKeyOptions, "onCall" | "timeoutMs" | "maxAttempts" | "credentials">>;
}

/** Builds the factory the platform uses by default. */
export function defaultCustomerKeys(settings: PlatformSettings, overrides: CustomerKeyOverrides = {}): CustomerKeyFactory {
  return (accountId, record, trust) => {
    if (record.provider === "aws") {
      // Required lazily so the platform starts without loading the AWS SDK until BYOK is used.
      const { createAwsCustomerKey } = require("../../sdk/kms/aws") as typeof import("../../sdk/kms/aws");
      const ref = record.reference as { keyArn: string; roleArn: string };
      return createAwsCustomerKey({
        accountId,
        keyArn: ref.keyArn,
        roleArn: ref.roleArn,
        externalId: trust.externalId,
        inspectTrustPolicy: settings.inspectTrustPolicy,
        platformPrincipalArn: settings.awsPrincipalArn,
        ...overrides.aws,
      });
    }
    throw new ApiError(
      422,
      "validation_failed",
      "provider: azure is not available on this platform build (Azure Key Vault BYOK is blocked: no Key Vault emulator can be installed here, see the README); use provider aws",
      { field: "provider" },
    );
  };
}
