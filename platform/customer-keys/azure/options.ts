/**
 * Options of the platform's use of a customer's Azure Key Vault key, their defaults, and the
 * values derived from them (vault host, Entra ID authority).
 *
 * The platform authenticates as its own multi-tenant application (client ID + secret, from
 * `EKM_AZURE_CLIENT_ID` / `EKM_AZURE_CLIENT_SECRET`) in the customer's tenant: the customer's
 * tenant holds a service principal of that application with a role on the key. The vault
 * answers the first call with an authentication challenge naming its tenant and resource; the
 * SDK's Key Vault authentication policy then asks Entra ID for a token for that resource
 * (https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses).
 *
 * Types come from `@azure/keyvault-keys` and `@azure/identity` (the package's dependencies), not
 * from the `@azure/core-*` packages under them.
 */
import type { KeyClientOptions } from "@azure/keyvault-keys";
import type { TokenCredential } from "@azure/identity";
import { AZURE_CLOUDS, azureCloudOf } from "../../../sdk/contract";
import { isKeyVaultHost, quote, vaultUrlProblem } from "../../../sdk/schemas/formats";

/** The HTTP client of the Azure SDK pipeline (`KeyClientOptions.httpClient`); tests route requests in process with it. */
export type AzureHttpClient = NonNullable<KeyClientOptions["httpClient"]>;
/** One request of the Azure SDK pipeline. */
export type AzurePipelineRequest = Parameters<AzureHttpClient["sendRequest"]>[0];
/** One response of the Azure SDK pipeline. */
export type AzurePipelineResponse = Awaited<ReturnType<AzureHttpClient["sendRequest"]>>;
/** A policy of the Azure SDK pipeline. */
export type AzurePipelinePolicy = NonNullable<KeyClientOptions["additionalPolicies"]>[number]["policy"];

/** How the platform reaches one account's customer key in Azure Key Vault. */
export interface AzureCustomerKeyOptions {
  /** The platform account the key protects; named in messages. */
  readonly accountId: string;
  /** The vault's "Vault URI", e.g. `https://contoso-byok.vault.azure.net/`. Every call goes to this host only. */
  readonly vaultUrl: string;
  /** The Microsoft Entra tenant of the vault: the platform's application authenticates in it. */
  readonly tenantId: string;
  /** The key's name in the vault. */
  readonly keyName: string;
  /**
   * A fixed key version (32 hex characters). Without it the key is versionless: each new data key
   * is wrapped by the key's current (newest) version, and the version that wrapped it is recorded.
   * @default versionless
   */
  readonly keyVersion?: string;
  /** The platform's multi-tenant application (client) ID, also shown by the trust endpoint. @default none */
  readonly clientId?: string;
  /** The platform application's client secret. Never logged, never put in a message. @default none */
  readonly clientSecret?: string;
  /**
   * The credential for Key Vault tokens. The production path leaves it out: the platform then uses
   * `new ClientSecretCredential(tenantId, clientId, clientSecret)` with the Entra ID authority of
   * the vault's cloud. Without it and without `clientId`/`clientSecret`, every call fails with an
   * `unavailable` CustomerKeyError that says what to configure (validation reports it as a check).
   * @default ClientSecretCredential from clientId and clientSecret
   */
  readonly credential?: TokenCredential;
  /** The Azure SDK's HTTP client; tests pass an in-process fake. @default the SDK's Node HTTPS client */
  readonly httpClient?: AzureHttpClient;
  /**
   * An extra CA certificate (PEM) to trust for the vault, added to Node's root store, for a test vault
   * with a private CA. A per-call pipeline policy gives each request an `https.Agent` with it. TLS
   * verification is never turned off.
   * @default Node's root store only
   */
  readonly caCertPem?: string;
  /**
   * The Microsoft Entra authority for tokens instead of the vault cloud's, for a local emulator
   * (test only). MSAL's instance discovery is then off: it does not know that authority.
   * @default the vault cloud's authority (`authorityHostFor`)
   */
  readonly authorityHost?: string;
  /**
   * Opens the vault host's TCP connections to this (loopback) address instead of resolving the host,
   * for a local emulator (test only). TLS still verifies the certificate against the vault host.
   * @default DNS
   */
  readonly vaultAddress?: { readonly host: string; readonly port: number };
  /**
   * Skips the SDK's check that the vault's authentication challenge names a resource whose domain
   * the vault host is under (`.vault.azure.net` for `https://vault.azure.net`). Only a test vault on
   * a non-Azure host needs this; the platform sets it only for hosts outside the Key Vault DNS
   * suffixes, which its SSRF guard allows only when the operator lists them explicitly.
   * https://aka.ms/azsdk/blog/vault-uri
   * @default false
   */
  readonly disableChallengeResourceVerification?: boolean;
  /** Deadline of each Key Vault call, retries and token acquisition included, in ms. @default 2000 */
  readonly timeoutMs?: number;
  /**
   * Observes every HTTP request to the vault (retries included), with its operation: `GetKey`,
   * `WrapKey`, `UnwrapKey`, or `Challenge` for the unauthenticated first request of a client that
   * the vault answers with its authentication challenge. A pipeline policy after the retry policy
   * calls it. Meant for counting real calls in tests and metrics; it must not throw.
   * @default none
   */
  readonly onCall?: (operation: string) => void;
  /**
   * Receives what only the operator may see, never the client: the exact network error code of a
   * vault the platform could not reach. It must not throw.
   * @default none
   */
  readonly onOperatorDetail?: (detail: string) => void;
  /** Clock in ms since the epoch, for the key's `nbf`/`exp` checks. @default Date.now */
  readonly now?: () => number;
}

/** Each Key Vault call's deadline when `timeoutMs` is not given. */
export const DEFAULT_TIMEOUT_MS = 2000;
/** Retries after a failed attempt (5xx, 408, 429 and network errors), inside the deadline. */
export const MAX_RETRIES = 1;
/** The algorithm that wraps data keys: RSAES-OAEP with SHA-256 and MGF1 with SHA-256. */
export const WRAP_ALGORITHM = "RSA-OAEP-256" as const;

/** The options with defaults applied and the parts the calls need. */
export interface ResolvedAzureCustomerKeyOptions {
  readonly accountId: string;
  /** The vault URL normalised to `https://<host>/`. */
  readonly vaultUrl: string;
  /** The vault's host with its port, if any (`URL.host`), lower case. */
  readonly vaultHost: string;
  /** The vault's name: the first DNS label of its host. */
  readonly vaultName: string;
  readonly tenantId: string;
  readonly keyName: string;
  readonly keyVersion?: string;
  /** The key id the platform registers: `https://<host>/keys/<name>` or `.../<name>/<version>`. */
  readonly keyId: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly credential?: TokenCredential;
  readonly httpClient?: AzureHttpClient;
  readonly caCertPem?: string;
  readonly vaultAddress?: { readonly host: string; readonly port: number };
  /** True when `authorityHost` was given (a test authority MSAL does not know). */
  readonly customAuthority: boolean;
  readonly disableChallengeResourceVerification: boolean;
  readonly timeoutMs: number;
  readonly onCall?: (operation: string) => void;
  readonly onOperatorDetail?: (detail: string) => void;
  readonly now: () => number;
  /** The Entra ID authority of the vault's cloud. */
  readonly authorityHost: string;
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const KEY_VERSION = /^[0-9a-fA-F]{32}$/;

/**
 * The Entra ID authority of the cloud a vault host belongs to: Key Vault DNS suffixes by cloud,
 * https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers,
 * and authority hosts, https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud.
 * Hosts outside the suffixes (a test vault) get the public cloud's authority.
 */
export function authorityHostFor(vaultHost: string): string {
  return (azureCloudOf(vaultHost) ?? AZURE_CLOUDS[0]).authorityHost;
}

/**
 * Applies the defaults and checks the inputs. Throws a TypeError naming the option, the value and
 * the fix when one is malformed: the API validates them before they get here, so this is a
 * programming error, not a customer's. Missing credentials are not an error here (see `credential`).
 */
export function resolveAzureCustomerKeyOptions(opts: AzureCustomerKeyOptions): ResolvedAzureCustomerKeyOptions {
  const urlProblem = vaultUrlProblem(opts.vaultUrl);
  if (urlProblem !== undefined) throw new TypeError(`vaultUrl ${urlProblem}; received ${quote(opts.vaultUrl)}`);
  const url = new URL(opts.vaultUrl);
  if (!TENANT_ID.test(opts.tenantId)) {
    throw new TypeError(`tenantId must be a Microsoft Entra tenant ID (a GUID); received ${quote(opts.tenantId)}`);
  }
  if (!KEY_NAME.test(opts.keyName)) {
    throw new TypeError(`keyName must be a Key Vault key name: 1-127 letters, digits and hyphens; received ${quote(opts.keyName)}`);
  }
  if (opts.keyVersion !== undefined && !KEY_VERSION.test(opts.keyVersion)) {
    throw new TypeError(`keyVersion must be 32 hexadecimal characters, or be omitted for a versionless key; received ${quote(opts.keyVersion)}`);
  }
  if (opts.accountId === "") throw new TypeError("accountId must not be empty");
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive number of milliseconds; received ${quote(opts.timeoutMs)}`);
  }
  const vaultHost = url.host.toLowerCase();
  const vaultUrl = `https://${vaultHost}/`;
  return {
    accountId: opts.accountId,
    vaultUrl,
    vaultHost,
    vaultName: url.hostname.toLowerCase().split(".")[0],
    tenantId: opts.tenantId,
    keyName: opts.keyName,
    keyVersion: opts.keyVersion?.toLowerCase(),
    keyId: `${vaultUrl}keys/${opts.keyName}${opts.keyVersion ? `/${opts.keyVersion.toLowerCase()}` : ""}`,
    clientId: opts.clientId || undefined,
    clientSecret: opts.clientSecret || undefined,
    credential: opts.credential,
    httpClient: opts.httpClient,
    caCertPem: opts.caCertPem,
    vaultAddress: opts.vaultAddress,
    customAuthority: opts.authorityHost !== undefined,
    disableChallengeResourceVerification: opts.disableChallengeResourceVerification ?? false,
    timeoutMs,
    onCall: opts.onCall,
    onOperatorDetail: opts.onOperatorDetail,
    now: opts.now ?? Date.now,
    authorityHost: opts.authorityHost ?? authorityHostFor(vaultHost),
  };
}

/** True when the vault host is under a Key Vault or Managed HSM DNS suffix (so challenge verification stays on). */
export function isAzureVaultHost(vaultUrl: string): boolean {
  return isKeyVaultHost(new URL(vaultUrl).hostname);
}
