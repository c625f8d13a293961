/**
 * The configuration of the `ekm` provider plugin: where the platform is and which token to call
 * it with. An explicit provider instance takes them as arguments; the default provider reads
 * stack config `ekm:platformUrl` and secret `ekm:apiToken`; either falls back to the environment
 * variables the dynamic resource reads (`EKM_PLATFORM_URL`, `EKM_API_TOKEN`, see
 * components/platformConnection.ts). The package schema's `config` and `provider` sections are
 * generated from `ProviderArgs`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { PLATFORM_CONNECTION_KEYS } from "../components/platformConnection";

/** The arguments of an `ekm` provider instance. */
export interface ProviderArgs {
  /**
   * Base URL of the platform's Key Management API, e.g. `https://ekm.example.com` (without `/v1`).
   * @default the environment variable `EKM_PLATFORM_URL`
   */
  readonly platformUrl?: pulumi.Input<string>;
  /**
   * API token of the platform account (or the platform admin token, to reach several accounts).
   * A secret: it is stored encrypted in the state and never appears in a resource's inputs or outputs.
   * @default the environment variable `EKM_API_TOKEN`
   * @secret
   */
  readonly apiToken?: pulumi.Input<string>;
}

/** The keys of `ProviderArgs`, as the engine names them in `Configure` (`ekm:config:<key>`). */
export const PROVIDER_CONFIG_KEYS = [PLATFORM_CONNECTION_KEYS.urlConfig, PLATFORM_CONNECTION_KEYS.tokenConfig] as const;

/** The provider configuration the engine sent, by key (`platformUrl`, `apiToken`); values the engine left out are absent. */
export type ProviderConfig = Readonly<Partial<Record<(typeof PROVIDER_CONFIG_KEYS)[number], string>>>;

/**
 * The provider configuration from `ConfigureRequest.variables`, which the engine keys
 * `<package>:config:<key>` with every value a string (the engine's provider_plugin.go, Configure).
 */
export function providerConfigOf(variables: ReadonlyMap<string, string> | Readonly<Record<string, string>>): ProviderConfig {
  const get = (k: string) => (variables instanceof Map ? variables.get(k) : (variables as Record<string, string>)[k]);
  const out: Partial<Record<(typeof PROVIDER_CONFIG_KEYS)[number], string>> = {};
  for (const key of PROVIDER_CONFIG_KEYS) {
    const value = get(`ekm:config:${key}`) ?? get(`ekm:${key}`);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
