/** What every platform service shares: the store, the clock, the keyring, settings and the log. */
import type { CustomerKey } from "./customer-keys/types";
import type { AzureTestSettings } from "./byok/azureTestOverrides";
import type { Clock } from "./clock";
import type { CacheBounds } from "./content/dataKeyCache";
import type { PlatformKeyring } from "./platformKeyring";
import type { StoredKey } from "./store/byokConfigs";
import type { Db } from "./store/db";

/** Builds the client of a customer key for one account's configuration. */
export type CustomerKeyFactory = (accountId: string, key: StoredKey, trust: { externalId: string }) => CustomerKey;

/** A structured log line. Callers never pass tokens, secrets or key material. */
export type Logger = (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;

/** Settings resolved from flags, env and defaults. */
export interface PlatformSettings {
  readonly rotationPeriodDays: number;
  readonly platformCache: CacheBounds;
  readonly byokCache: CacheBounds;
  readonly awsPrincipalArn?: string;
  /** The platform's multi-tenant Entra ID application (client) ID; the trust endpoint shows it. */
  readonly azureClientId?: string;
  /**
   * The client secret of that application (env `EKM_AZURE_CLIENT_SECRET`, never a flag: flags show in
   * `ps`). It only goes to Entra ID's token endpoint: never logged, never returned by any endpoint,
   * never put in an event or an error.
   */
  readonly azureClientSecret?: string;
  /** Vault hosts allowed beyond the Key Vault DNS suffixes (tests only). */
  readonly allowVaultHosts: readonly string[];
  /**
   * Test-only Azure transport: Entra authority, vault host → loopback emulator, extra CA
   * (`byok/azureTestOverrides.ts`). Each one set is announced with a `!!! TEST OVERRIDE` line.
   * @default none: the production path
   */
  readonly azureTest?: AzureTestSettings;
  /** Health recheck backoff after a fallback. */
  readonly recheck: { readonly baseMs: number; readonly maxMs: number };
  /**
   * Also read the role's trust policy with the platform's own credentials and check its
   * sts:ExternalId condition. Only a local platform sharing an account with the customer
   * can do this; moto does not enforce ExternalId, so tests rely on it.
   */
  readonly inspectTrustPolicy: boolean;
  /** Data keys re-wrapped per transaction on revert. */
  readonly rewrapBatchSize: number;
  /**
   * Messages reserved at once in the store's count of a customer-wrapped data key, before the
   * ciphertexts are returned: one synchronous write per block, and after a crash a revert report
   * overcounts by less than a block per data key that was in use.
   */
  readonly messageCountBlock: number;
}

/** The shared context. */
export interface PlatformContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly keyring: PlatformKeyring;
  readonly settings: PlatformSettings;
  readonly log: Logger;
  readonly customerKeys: CustomerKeyFactory;
}
