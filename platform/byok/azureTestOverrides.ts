/**
 * Test-only Azure settings: run the production Azure path (`ClientSecretCredential` → the
 * `@azure/keyvault-keys` clients, over real TLS) against a local Key Vault emulator process.
 *
 * Three settings, each explicit, each announced on stderr at start with a `!!! TEST OVERRIDE` line:
 * - `authorityHost` (`--azure-authority-host URL`): the Microsoft Entra authority the credential
 *   asks for tokens, instead of the vault cloud's (login.microsoftonline.com for vault.azure.net).
 *   The platform's client secret goes there, so only a loopback https URL is accepted. MSAL's
 *   instance discovery is turned off for it, as for any authority MSAL does not know
 *   (https://learn.microsoft.com/entra/msal/javascript/node/configuration).
 * - `vaultEndpoints` (`--vault-endpoint-override NAME.vault.azure.net=127.0.0.1:PORT`, repeatable):
 *   the customer registers a real-looking `https://NAME.vault.azure.net/`, and the platform opens
 *   that host's TCP connection to the loopback address instead of resolving it. TLS still checks
 *   the certificate against `NAME.vault.azure.net` (SNI and name check), and the SDK's check that
 *   the challenge's resource covers the vault host stays on. While any override is set, the SSRF
 *   guard refuses Key Vault hosts without one: nothing leaves the machine.
 * - `caFile` (`--azure-ca-file PATH`): a CA (PEM) trusted beside Node's roots for the vault and the
 *   authority. Verification is never turned off.
 *
 * Pure validation functions name the field, the value received and the fix.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { KEY_VAULT_DNS_SUFFIXES } from "../../sdk/contract";
import { isKeyVaultHost, quote, vaultUrlProblem } from "../../sdk/schemas/formats";

/** The test-only Azure settings as given (CLI flags or `settings.azureTest` of `startPlatform`). */
export interface AzureTestSettings {
  /** Entra authority for tokens, e.g. the emulator's `https://127.0.0.1:<port>`. Loopback https only. @default the vault cloud's authority */
  readonly authorityHost?: string;
  /** Vault host → loopback address to connect it to: `{"contoso.vault.azure.net": "127.0.0.1:8443"}`. @default none */
  readonly vaultEndpoints?: Readonly<Record<string, string>>;
  /** Path of a CA certificate (PEM) to trust beside Node's roots, e.g. the emulator's `ca.pem`. @default Node's roots only */
  readonly caFile?: string;
}

/** Where a vault host's connections go instead of DNS. */
export interface LoopbackAddress {
  readonly host: string;
  readonly port: number;
}

/** The settings checked, with the CA read. */
export interface ResolvedAzureTestSettings {
  readonly authorityHost?: string;
  /** Lower-case vault host → loopback address. */
  readonly vaultEndpoints: ReadonlyMap<string, LoopbackAddress>;
  readonly caFile?: string;
  readonly caPem?: string;
}

/** Nothing overridden: the production configuration. */
export const NO_AZURE_TEST_OVERRIDES: ResolvedAzureTestSettings = { vaultEndpoints: new Map() };

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "::1"]);

/** True for a loopback host name or address (127.0.0.0/8, ::1, localhost). */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return LOOPBACK_NAMES.has(h) || (isIP(h) === 4 && h.startsWith("127."));
}

/** Why `value` is not a usable test authority host, or undefined. */
export function authorityHostProblem(value: string): string | undefined {
  // A value with user:password@ is not echoed (it would put the password on stderr), as vaultUrlProblem does for vault URLs.
  if (/^[^/?#]*:\/\/[^/?#]*@/.test(value.trim())) {
    return "azureTest.authorityHost (--azure-authority-host) received a URL with credentials (user:password@…, not repeated here): give scheme, host and port only, e.g. https://127.0.0.1:8443";
  }
  const field = `azureTest.authorityHost (--azure-authority-host) received ${quote(value)}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field}: not a URL — give the emulator's URL, e.g. https://127.0.0.1:8443`;
  }
  if (url.protocol !== "https:") return `${field}: must use https (MSAL refuses http authorities, and the client secret must not travel in clear) — e.g. https://127.0.0.1:8443`;
  if (!isLoopback(url.hostname)) {
    return `${field}: must be a loopback host (127.0.0.1, ::1, localhost) — the platform's client secret goes to this host; for real Azure omit the flag (the vault's cloud decides the authority)`;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    return `${field}: give scheme, host and port only (no path, query or credentials), e.g. https://127.0.0.1:8443`;
  }
  return undefined;
}

/** Parses `NAME.vault.azure.net=127.0.0.1:PORT`; throws a TypeError naming the flag, the value and the fix. */
export function parseVaultEndpointOverride(text: string): [string, LoopbackAddress] {
  const field = `--vault-endpoint-override (azureTest.vaultEndpoints) received ${quote(text)}`;
  const eq = text.indexOf("=");
  if (eq <= 0) throw new TypeError(`${field}: write VAULT_HOST=127.0.0.1:PORT, e.g. contoso.vault.azure.net=127.0.0.1:8443`);
  return [vaultHostOf(text.slice(0, eq), field), loopbackAddressOf(text.slice(eq + 1), field)];
}

function vaultHostOf(raw: string, field: string): string {
  const host = raw.trim().toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(host) || !isKeyVaultHost(host) || vaultUrlProblem(`https://${host}/`) !== undefined) {
    throw new TypeError(
      `${field}: the vault host ${quote(host)} must be a Key Vault host <vault-name>.<suffix> with a suffix of ${KEY_VAULT_DNS_SUFFIXES.join(", ")} and no port — ` +
        "the customer registers that vault URL and the platform connects it to the emulator",
    );
  }
  return host;
}

function loopbackAddressOf(raw: string, field: string): LoopbackAddress {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`${field}: the target must be HOST:PORT with a port 1-65535, e.g. 127.0.0.1:8443 (the port the emulator printed)`);
  }
  const host = m[1].replace(/^\[|\]$/g, "");
  if (!isLoopback(host)) throw new TypeError(`${field}: the target host ${quote(host)} must be loopback (127.0.0.1, ::1, localhost) — the override exists for a local emulator only`);
  return { host, port };
}

/** Why `pem` (read from `path`) is not a PEM certificate, or undefined. */
export function caPemProblem(path: string, pem: string): string | undefined {
  if (/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem)) return undefined;
  return `azureTest.caFile (--azure-ca-file) received ${quote(path)}: the file holds no PEM certificate — pass the CA the emulator printed (ca=<data-dir>/ca.pem)`;
}

/** The settings from the CLI flags (undefined when none is given); a malformed override throws a TypeError naming it. */
export function azureTestFlags(authorityHost: string | undefined, vaultEndpointOverrides: readonly string[], caFile: string | undefined): AzureTestSettings | undefined {
  if (authorityHost === undefined && vaultEndpointOverrides.length === 0 && caFile === undefined) return undefined;
  const vaultEndpoints: Record<string, string> = {};
  for (const text of vaultEndpointOverrides) {
    const [host, a] = parseVaultEndpointOverride(text);
    if (host in vaultEndpoints) throw new TypeError(`--vault-endpoint-override received ${host} twice — give each vault host once`);
    vaultEndpoints[host] = `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
  }
  return { ...(authorityHost === undefined ? {} : { authorityHost }), vaultEndpoints, ...(caFile === undefined ? {} : { caFile }) };
}

/** Checks the settings and reads the CA file; throws a TypeError naming the field, the value and the fix. */
export function resolveAzureTestSettings(raw: AzureTestSettings | undefined, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): ResolvedAzureTestSettings {
  if (raw === undefined) return NO_AZURE_TEST_OVERRIDES;
  if (raw.authorityHost !== undefined) {
    const problem = authorityHostProblem(raw.authorityHost);
    if (problem) throw new TypeError(problem);
  }
  const vaultEndpoints = new Map<string, LoopbackAddress>();
  for (const [host, target] of Object.entries(raw.vaultEndpoints ?? {})) {
    const [h, address] = parseVaultEndpointOverride(`${host}=${target}`);
    vaultEndpoints.set(h, address);
  }
  let caPem: string | undefined;
  if (raw.caFile !== undefined) {
    try {
      caPem = readFile(raw.caFile);
    } catch (err) {
      throw new TypeError(`azureTest.caFile (--azure-ca-file) received ${quote(raw.caFile)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — pass the CA the emulator printed (ca=<data-dir>/ca.pem)`);
    }
    const problem = caPemProblem(raw.caFile, caPem);
    if (problem) throw new TypeError(problem);
  }
  return {
    ...(raw.authorityHost === undefined ? {} : { authorityHost: new URL(raw.authorityHost).origin }),
    vaultEndpoints,
    ...(raw.caFile === undefined ? {} : { caFile: raw.caFile, caPem }),
  };
}

const resolved = new WeakMap<AzureTestSettings, ResolvedAzureTestSettings>();

/** `resolveAzureTestSettings` of a settings object, read once per object (the CA file included). */
export function azureTestOf(settings: { readonly azureTest?: AzureTestSettings }): ResolvedAzureTestSettings {
  const raw = settings.azureTest;
  if (raw === undefined) return NO_AZURE_TEST_OVERRIDES;
  let hit = resolved.get(raw);
  if (hit === undefined) {
    hit = resolveAzureTestSettings(raw);
    resolved.set(raw, hit);
  }
  return hit;
}

/** True when any test override is set. */
export function hasAzureTestOverrides(t: ResolvedAzureTestSettings): boolean {
  return t.authorityHost !== undefined || t.vaultEndpoints.size > 0 || t.caPem !== undefined;
}

/** One loud line per override set, for stderr at start. */
export function azureTestOverrideWarnings(t: ResolvedAzureTestSettings): string[] {
  const lines: string[] = [];
  if (t.authorityHost !== undefined) {
    lines.push(`!!! TEST OVERRIDE --azure-authority-host ${t.authorityHost}: Azure tokens (and the platform's client secret) go to this host, not Microsoft Entra ID. Local tests only.`);
  }
  for (const [host, a] of t.vaultEndpoints) {
    lines.push(`!!! TEST OVERRIDE --vault-endpoint-override ${host}=${a.host}:${a.port}: calls to vault ${host} go to this loopback address, not Azure. Local tests only.`);
  }
  if (t.caFile !== undefined) {
    lines.push(`!!! TEST OVERRIDE --azure-ca-file ${t.caFile}: this CA is trusted for Azure besides the public roots. Local tests only.`);
  }
  return lines;
}

/**
 * Why a Key Vault host may not be called while vault endpoint overrides are set (it has none, so it
 * would go to the Internet), or undefined.
 */
export function unmappedVaultHostProblem(host: string, t: ResolvedAzureTestSettings): string | undefined {
  if (t.vaultEndpoints.size === 0 || t.vaultEndpoints.has(host.toLowerCase())) return undefined;
  return (
    `azure.vaultUrl: the platform runs with --vault-endpoint-override (test mode) and calls only ${[...t.vaultEndpoints.keys()].join(", ")}; ` +
    `received host ${quote(host)} — register one of those vaults, or add --vault-endpoint-override ${host}=127.0.0.1:<port>`
  );
}
