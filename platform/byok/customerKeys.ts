/**
 * The production customer-key factory: AWS KMS through an assumed role, Azure Key Vault as the
 * platform's multi-tenant application (client ID and secret from the settings).
 */
import type { AwsCustomerKeyOptions } from "../customer-keys/aws";
import type { AzureCustomerKeyOptions } from "../customer-keys/azure";
import { skippedMessage } from "../customer-keys/chain";
import { CustomerKeyError, type CustomerKey } from "../customer-keys/types";
import { AZURE_VALIDATION_STEPS, KEY_VAULT_OPERATIONS } from "../../sdk/contract";
import { isKeyVaultHost } from "../../sdk/schemas";
import type { CustomerKeyFactory, Logger, PlatformSettings } from "../context";
import { ValidationFailedError } from "../errors";
import { azureTestOf } from "./azureTestOverrides";
import { assertVaultHostAllowed } from "./vaultHostGuard";

/** Extra options for every customer key (tests count calls with `onCall`, and route Azure requests to an in-process fake). */
export interface CustomerKeyOverrides {
  readonly aws?: Partial<Pick<AwsCustomerKeyOptions, "onCall" | "timeoutMs" | "maxAttempts" | "credentials">>;
  readonly azure?: Partial<Pick<AzureCustomerKeyOptions, "credential" | "httpClient" | "onCall" | "timeoutMs">>;
}

/** Builds the factory the platform uses by default; `log` gets what only the operator may see (network error codes). */
export function defaultCustomerKeys(settings: PlatformSettings, overrides: CustomerKeyOverrides = {}, log?: Logger): CustomerKeyFactory {
  return (accountId, record, trust) => {
    if (record.provider === "aws") {
      // Required lazily so the platform starts without loading the AWS SDK until BYOK is used.
      const { createAwsCustomerKey } = require("../customer-keys/aws") as typeof import("../customer-keys/aws");
      const ref = record.reference;
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
    const ref = record.reference;
    const test = azureTestOf(settings);
    // The SSRF guard holds on every path, not only at registration: a stored configuration whose
    // host is no longer allowed (the operator dropped --allow-vault-host) is never called.
    try {
      assertVaultHostAllowed(ref.vaultUrl, settings);
    } catch (err) {
      if (err instanceof ValidationFailedError) return refusedKey(err.message);
      throw err;
    }
    // Required lazily so the platform starts without loading the Azure SDK until BYOK is used.
    const { createAzureCustomerKey } = require("../customer-keys/azure") as typeof import("../customer-keys/azure");
    return createAzureCustomerKey({
      accountId,
      vaultUrl: ref.vaultUrl,
      tenantId: ref.tenantId,
      keyName: ref.keyName,
      keyVersion: ref.keyVersion,
      clientId: settings.azureClientId,
      clientSecret: settings.azureClientSecret,
      // Only a host outside the Key Vault DNS suffixes, which the guard above allowed explicitly (a
      // test vault), skips the check that the vault's challenge names a resource it is under.
      disableChallengeResourceVerification: !isKeyVaultHost(new URL(ref.vaultUrl).hostname),
      // Test-only transport (all undefined in production): see azureTestOverrides.ts.
      authorityHost: test.authorityHost,
      vaultAddress: test.vaultEndpoints.get(new URL(ref.vaultUrl).host.toLowerCase()),
      caCertPem: test.caPem,
      onOperatorDetail: (detail) => log?.("warn", "could not reach a customer's vault", { accountId, detail }),
      ...overrides.azure,
    });
  };
}

/** A customer key the platform must not call: validation fails, data keys fall back, unwrapping answers 424. */
function refusedKey(reason: string): CustomerKey {
  const fail = (action: string) => new CustomerKeyError("access-denied", action, `${action} not attempted: ${reason}`);
  return {
    source: "byok-azure",
    validate: async () =>
      AZURE_VALIDATION_STEPS.map((name, i) =>
        i === 0 ? { name, status: "failed" as const, message: fail(name).message } : { name, status: "skipped" as const, message: skippedMessage(AZURE_VALIDATION_STEPS[0]) },
      ),
    generateDataKey: () => Promise.reject(fail(KEY_VAULT_OPERATIONS.wrapKey)),
    unwrapDataKey: () => Promise.reject(fail(KEY_VAULT_OPERATIONS.unwrapKey)),
  };
}
