/**
 * Where the platform's Key Management API is and which token to call it with.
 *
 * Shared by the components (which read the trust endpoint) and the ByokConfiguration
 * dynamic provider (which registers the key). The token is read at run time, from secret
 * stack config or the environment, and is returned to the caller only: it must never be
 * put into a resource's inputs or outputs, where it would be written to the state file.
 *
 * The module has no top-level imports besides types, so closure serialization of the
 * dynamic provider can capture `resolvePlatformConnection` without capturing `@pulumi/pulumi`.
 */

/** The platform URL and token a client connects with (the platform's own operator settings are `PlatformSettings` in `platform/context.ts`). */
export interface PlatformConnection {
  /** Base URL of the platform, e.g. `https://ekm.example.com` or `http://127.0.0.1:8080`, without a trailing slash. */
  readonly baseUrl: string;
  /** Bearer token of the platform account (or admin). Keep it out of state. */
  readonly token: string;
}

/** Stack config keys (namespace `ekm`) and environment variables that configure the platform. */
export const PLATFORM_CONNECTION_KEYS = {
  /** Stack config `ekm:platformUrl`. */
  urlConfig: "platformUrl",
  /** Secret stack config `ekm:apiToken`. */
  tokenConfig: "apiToken",
  /** Environment variable read when `ekm:platformUrl` is not set. */
  urlEnv: "EKM_PLATFORM_URL",
  /** Environment variable read when `ekm:apiToken` is not set. */
  tokenEnv: "EKM_API_TOKEN",
} as const;

/** Where `resolvePlatformConnection` looks; both sources are injectable for tests and for the dynamic provider's `configure()`. */
export interface PlatformConnectionSources {
  /**
   * Reads a key of the `ekm` config namespace (`platformUrl` or `apiToken`), or returns undefined.
   * @default `new pulumi.Config("ekm").get(key)` (secret values are returned decrypted; they stay in memory only)
   */
  readonly config?: (key: "platformUrl" | "apiToken") => string | undefined;
  /**
   * The environment.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The platform URL or token is missing or malformed; the message says how to set it and never contains the token. */
export class PlatformConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlatformConnectionError";
  }
}

/**
 * Resolves the platform URL and token: stack config `ekm:platformUrl` and secret `ekm:apiToken`
 * first, then the environment variables `EKM_PLATFORM_URL` and `EKM_API_TOKEN`.
 *
 * @throws PlatformConnectionError when either is missing or the URL is not http(s).
 */
export function resolvePlatformConnection(sources: PlatformConnectionSources = {}): PlatformConnection {
  const env = sources.env ?? process.env;
  const config = sources.config ?? defaultConfigReader();
  const url = nonEmpty(config(PLATFORM_CONNECTION_KEYS.urlConfig)) ?? nonEmpty(env[PLATFORM_CONNECTION_KEYS.urlEnv]);
  const token = nonEmpty(config(PLATFORM_CONNECTION_KEYS.tokenConfig)) ?? nonEmpty(env[PLATFORM_CONNECTION_KEYS.tokenEnv]);
  if (url === undefined) {
    throw new PlatformConnectionError(
      `the platform URL is not set: run "pulumi config set ekm:platformUrl https://<platform host>" or set ${PLATFORM_CONNECTION_KEYS.urlEnv}`,
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    throw new PlatformConnectionError(
      `the platform URL must be an http(s) URL such as https://ekm.example.com; received ${JSON.stringify(url)} (from ekm:platformUrl or ${PLATFORM_CONNECTION_KEYS.urlEnv})`,
    );
  }
  // The client adds /v1/… to the base URL itself; a base ending in /v1 would double it and every call would 404.
  if (/\/v1\/*$/.test(parsed.pathname)) {
    throw new PlatformConnectionError(
      `the platform URL must be the platform's base URL, without the API version: use ${JSON.stringify(url.replace(/\/v1\/*$/, ""))} instead of ${JSON.stringify(url)} (ekm:platformUrl or ${PLATFORM_CONNECTION_KEYS.urlEnv})`,
    );
  }
  if (token === undefined) {
    throw new PlatformConnectionError(
      `the platform API token is not set: run "pulumi config set --secret ekm:apiToken <token>" or set ${PLATFORM_CONNECTION_KEYS.tokenEnv}`,
    );
  }
  return { baseUrl: url.replace(/\/+$/, ""), token };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Reads `ekm:*` stack config through @pulumi/pulumi, loaded lazily so this module captures no SDK. */
function defaultConfigReader(): (key: string) => string | undefined {
  try {
    const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
    const config = new pulumi.Config("ekm");
    return (key) => config.get(key);
  } catch {
    // Outside a Pulumi program (e.g. a plain script) there is no stack config.
    return () => undefined;
  }
}
