/**
 * UNIT-TEST FAKE of Azure Key Vault (keys REST API) and of the Microsoft Entra ID token endpoint.
 *
 * This is NOT a real part and NOT an emulator. lowkey-vault, the emulator the project planned to
 * test against, cannot be installed here (its jar is not served by any registry this machine
 * reaches), and tests must not call the internet. So the Azure path is tested against this fake:
 * an `HttpClient` for the Azure SDK pipeline (`KeyClientOptions.httpClient`, and the same option of
 * `ClientSecretCredential`) that answers requests in process. No socket is opened: the real SDK
 * builds, authenticates, retries, serializes and deserializes every request, and this file plays
 * the server. It speaks the wire format the SDK expects (JSON bodies, base64url values, Key Vault's
 * `{"error": {"code", "message", "innererror"}}` errors, the `WWW-Authenticate` challenge), and
 * wraps and unwraps with real RSA keys from node:crypto (RSA-OAEP-256 = OAEP with SHA-256 and MGF1
 * SHA-256).
 *
 * What it models, from Microsoft's documentation and reported behaviour:
 * - the challenge: a request without a token gets 401 with
 *   `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`
 *   (https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses);
 * - Get Key (versioned and versionless: the newest version), Create Key (a new version), Update Key
 *   (enabled, nbf, exp, key_ops), Wrap Key and Unwrap Key;
 * - RBAC: each token maps to a principal with a set of data actions; a missing one answers 403
 *   `Forbidden`/`ForbiddenByRbac` whose message names `Action: '<data action>'`;
 * - 404 `KeyNotFound`; 403 `KeyOperationForbidden` when key_ops lacks the operation;
 * - a disabled key: Get works (enabled=false), Unwrap answers 403 `KeyDisabled`, Wrap still works
 *   (reported from a live vault in https://github.com/Azure/azure-sdk-for-python/issues/45342);
 * - exp/nbf: Wrap is refused outside the window (403 `KeyExpired` / `KeyNotYetValid`), Unwrap works
 *   ("date-time controlled operations", https://learn.microsoft.com/azure/key-vault/keys/about-keys-details);
 * - the vault's recovery level, reported on every key (`attributes.recoveryLevel`);
 * - outages: a status (503, 429, …), a hang until the caller aborts, or a connection reset.
 *
 * What a real vault does that this fake does not (so these tests prove the platform's logic and its
 * use of the SDK, not interoperability with Azure): real TLS and certificates; real Entra ID token
 * validation (audience, issuer, tenant, expiry, CAE claims challenges); RBAC propagation delays,
 * role assignment scopes, deny assignments and the access-policy model; firewall/private-link
 * refusals; HSM-backed keys; exact error texts (the codes above are documented or reported, the
 * messages here are approximations); throttling limits and `Retry-After` values; soft delete,
 * purge and recovery operations; key rotation policies; latency.
 */
import { constants, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import * as net from "node:net";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { AzureHttpClient, AzurePipelineRequest, AzurePipelineResponse } from "../../platform/customer-keys/azure";
import { AZURE_CLOUDS, DOCUMENTED_DATA_ACTIONS, KEY_VAULT_DATA_ACTIONS } from "../../sdk/contract";

/** The resource Key Vault names in its challenge (public cloud). */
export const KEY_VAULT_RESOURCE = `https://${AZURE_CLOUDS[0].keyVaultDnsSuffix}`;
/** The scope the SDK asks Entra ID for after the challenge. */
export const KEY_VAULT_SCOPE = `${KEY_VAULT_RESOURCE}/.default`;
/** The public cloud's Entra ID authority host, played by the fake too. */
export const ENTRA_HOST = new URL(AZURE_CLOUDS[0].authorityHost).host;

/** The five documented data actions: what the platform's principal holds by default. */
export const PLATFORM_DATA_ACTIONS = DOCUMENTED_DATA_ACTIONS;

const { read: READ, wrap: WRAP, unwrap: UNWRAP } = KEY_VAULT_DATA_ACTIONS;
const CREATE = "Microsoft.KeyVault/vaults/keys/create/action";
const UPDATE = "Microsoft.KeyVault/vaults/keys/update/action";

/** A key type the fake can create. */
export type FakeKeyType = "RSA" | "RSA-HSM" | "EC";

/** How to create a key version. */
export interface FakeKeySpec {
  readonly kty?: FakeKeyType;
  /** RSA modulus bits. @default 2048 */
  readonly size?: number;
  /** @default wrapKey, unwrapKey, encrypt, decrypt (sign, verify for EC) */
  readonly keyOps?: readonly string[];
  readonly enabled?: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
}

/** One version of a key in the fake vault. */
interface KeyVersion {
  readonly version: string;
  readonly kty: FakeKeyType;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
  keyOps: string[];
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  readonly created: Date;
  updated: Date;
}

/** An outage of the vault host (Entra ID keeps answering). */
export type FakeOutage =
  | { readonly status: number; readonly code?: string; readonly retryAfterSeconds?: number }
  | { readonly hang: true }
  | { readonly reset: true };

/** A request the fake answered. */
export interface FakeRequest {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  /** The request body as text (the Entra token request carries the client secret: never log it). */
  readonly body: string;
  readonly authorization?: string;
  readonly status: number;
}

/** Options of the fake. */
export interface FakeKeyVaultOptions {
  /** The vault's host with port. A loopback host with an explicit port passes the API's vault URL check. @default 127.0.0.1:58443 */
  readonly host?: string;
  /** The vault's tenant, named in its challenge. @default a fixed GUID */
  readonly tenantId?: string;
  /** The vault's recovery level. @default Recoverable (soft delete and purge protection on) */
  readonly recoveryLevel?: string;
}

/** Minimal `HttpHeaders` for responses. */
class Headers {
  readonly #map = new Map<string, [string, string]>();
  constructor(init: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(init)) this.set(k, v);
  }
  get(name: string): string | undefined {
    return this.#map.get(name.toLowerCase())?.[1];
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.#map.set(name.toLowerCase(), [name, String(value)]);
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  toJSON(options: { preserveCase?: boolean } = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [lower, [name, value]] of this.#map) out[options.preserveCase ? name : lower] = value;
    return out;
  }
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [lower, [, value]] of this.#map) yield [lower, value];
  }
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const unix = (d: Date | undefined) => (d === undefined ? undefined : Math.floor(d.getTime() / 1000));

function bodyText(body: AzurePipelineRequest["body"]): string {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  throw new Error(`fakeKeyVault: unsupported request body type ${Object.prototype.toString.call(body)}`);
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
}

/** A static credential: what tests pass instead of the platform's ClientSecretCredential. */
class StaticCredential implements TokenCredential {
  constructor(
    private readonly token: string,
    private readonly seen: { scopes: string[]; tenantId?: string }[],
  ) {}
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.seen.push({ scopes: Array.isArray(scopes) ? scopes : [scopes], tenantId: options?.tenantId });
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: "Bearer" };
  }
}

/**
 * The fake vault, and the fake Entra ID that issues its tokens. One instance per test suite;
 * `httpClient` routes both hosts in process and refuses every other host like a DNS failure.
 */
export class FakeKeyVault {
  readonly host: string;
  readonly vaultUrl: string;
  readonly tenantId: string;
  /** `attributes.recoveryLevel` of every key. */
  recoveryLevel: string;
  /** `attributes.recoverableDays` of every key. */
  recoverableDays = 90;
  /** Data actions of the platform's principal (the static credential's and the registered application's tokens). */
  readonly granted = new Set<string>(PLATFORM_DATA_ACTIONS);
  /** Every request answered, in order. */
  readonly requests: FakeRequest[] = [];
  /** Every getToken call of the static credentials. */
  readonly tokenRequests: { scopes: string[]; tenantId?: string }[] = [];
  /** The platform's credential for tests that skip Entra ID. */
  readonly credential: TokenCredential;
  /** A customer administrator's credential: every data action (create and update keys through the real SDK). */
  readonly adminCredential: TokenCredential;
  /** The in-process HTTP client for the Azure SDK pipeline. */
  readonly httpClient: AzureHttpClient;

  readonly #keys = new Map<string, KeyVersion[]>();
  /** Bearer token → principal. */
  readonly #tokens = new Map<string, "platform" | "admin">();
  /** Entra ID applications: client id → secret, and whether the vault's tenant has a service principal of it. */
  readonly #apps = new Map<string, { secret: string; servicePrincipal: boolean }>();
  #outage: FakeOutage | undefined;
  #failures: { status: number; code?: string; left: number } | undefined;

  constructor(options: FakeKeyVaultOptions = {}) {
    this.host = options.host ?? "127.0.0.1:58443";
    this.vaultUrl = `https://${this.host}/`;
    this.tenantId = options.tenantId ?? "6f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
    this.recoveryLevel = options.recoveryLevel ?? "Recoverable";
    const platformToken = `fake-platform-token-${randomUUID()}`;
    const adminToken = `fake-admin-token-${randomUUID()}`;
    this.#tokens.set(platformToken, "platform");
    this.#tokens.set(adminToken, "admin");
    this.credential = new StaticCredential(platformToken, this.tokenRequests);
    this.adminCredential = new StaticCredential(adminToken, this.tokenRequests);
    this.httpClient = { sendRequest: (request) => this.#send(request) };
  }

  // ---- the customer's side, direct (tests may also use a real KeyClient with `adminCredential`) ----

  /** Creates a new version of key `name` (the key too, if new); returns the version. */
  createKey(name: string, spec: FakeKeySpec = {}): string {
    const kty = spec.kty ?? "RSA";
    const { privateKey, publicKey } =
      kty === "EC" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("rsa", { modulusLength: spec.size ?? 2048 });
    const jwk = publicKey.export({ format: "jwk" }) as Record<string, unknown>;
    const version = randomBytes(16).toString("hex");
    const now = new Date();
    const v: KeyVersion = {
      version,
      kty,
      privateKey,
      publicJwk: jwk,
      keyOps: [...(spec.keyOps ?? (kty === "EC" ? ["sign", "verify"] : ["wrapKey", "unwrapKey", "encrypt", "decrypt"]))],
      enabled: spec.enabled ?? true,
      notBefore: spec.notBefore,
      expiresOn: spec.expiresOn,
      created: now,
      updated: now,
    };
    const versions = this.#keys.get(name) ?? [];
    versions.push(v);
    this.#keys.set(name, versions);
    return version;
  }

  /** Changes attributes of a version (the newest when `version` is omitted). */
  updateKey(name: string, version: string | undefined, patch: { enabled?: boolean; expiresOn?: Date | null; notBefore?: Date | null; keyOps?: readonly string[] }): void {
    const v = this.#version(name, version);
    if (v === undefined) throw new Error(`fakeKeyVault: no key ${name}${version ? `/${version}` : ""}`);
    if (patch.enabled !== undefined) v.enabled = patch.enabled;
    if (patch.expiresOn !== undefined) v.expiresOn = patch.expiresOn ?? undefined;
    if (patch.notBefore !== undefined) v.notBefore = patch.notBefore ?? undefined;
    if (patch.keyOps !== undefined) v.keyOps = [...patch.keyOps];
    v.updated = new Date();
  }

  /** Removes a key with all its versions. */
  deleteKey(name: string): void {
    this.#keys.delete(name);
  }

  /** The newest version of a key. */
  currentVersion(name: string): string {
    const v = this.#version(name, undefined);
    if (v === undefined) throw new Error(`fakeKeyVault: no key ${name}`);
    return v.version;
  }

  /** The key id, `https://<host>/keys/<name>[/<version>]`. */
  keyId(name: string, version?: string): string {
    return `${this.vaultUrl}keys/${name}${version ? `/${version}` : ""}`;
  }

  /** Registers the platform's multi-tenant application with Entra ID; `servicePrincipal: false` = not provisioned in the vault's tenant. */
  registerApplication(clientId: string, secret: string, servicePrincipal = true): void {
    this.#apps.set(clientId, { secret, servicePrincipal });
  }

  /** Starts (or, with undefined, ends) an outage of the vault host. */
  setOutage(outage: FakeOutage | undefined): void {
    this.#outage = outage;
  }

  /** The next `count` vault requests fail with `status` (and error code). */
  failNext(count: number, status: number, code?: string): void {
    this.#failures = { status, code, left: count };
  }

  /** The requests to the vault host, as `METHOD /path`. */
  vaultCalls(): string[] {
    return this.requests.filter((r) => r.host === this.host).map((r) => `${r.method} ${r.path}`);
  }

  // ---- the server ----

  #version(name: string, version: string | undefined): KeyVersion | undefined {
    const versions = this.#keys.get(name);
    if (versions === undefined || versions.length === 0) return undefined;
    return version ? versions.find((v) => v.version === version.toLowerCase()) : versions[versions.length - 1];
  }

  async #send(request: AzurePipelineRequest): Promise<AzurePipelineResponse> {
    if (request.abortSignal?.aborted) throw abortError();
    const url = new URL(request.url);
    const body = bodyText(request.body);
    let result: { status: number; json?: unknown; headers?: Record<string, string> };
    if (url.host === ENTRA_HOST) {
      result = this.#entra(request.method, url, body);
    } else if (url.host === this.host) {
      const outage = this.#outage;
      if (outage !== undefined && "hang" in outage) {
        this.requests.push({ host: url.host, method: request.method, path: url.pathname, body, authorization: request.headers.get("authorization"), status: 0 });
        return new Promise<never>((_, reject) => {
          request.abortSignal?.addEventListener("abort", () => reject(abortError()), { once: true });
        });
      }
      if (outage !== undefined && "reset" in outage) {
        this.requests.push({ host: url.host, method: request.method, path: url.pathname, body, authorization: request.headers.get("authorization"), status: 0 });
        throw Object.assign(new Error("socket hang up"), { name: "RestError", code: "ECONNRESET", request });
      }
      result = this.#vault(request, url, body);
    } else {
      // Like a DNS failure: the fake reaches no other host, and nothing else is reached.
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { name: "RestError", code: "ENOTFOUND", request });
    }
    this.requests.push({ host: url.host, method: request.method, path: url.pathname, body, authorization: request.headers.get("authorization"), status: result.status });
    const headers = new Headers({ "x-ms-request-id": randomUUID(), ...(result.json === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), ...result.headers });
    return { request, status: result.status, headers, bodyAsText: result.json === undefined ? "" : JSON.stringify(result.json) } as AzurePipelineResponse;
  }

  /** Entra ID: instance discovery, OpenID metadata and the client-credentials token endpoint. */
  #entra(method: string, url: URL, body: string): { status: number; json?: unknown } {
    const [tenant, ...rest] = url.pathname.split("/").filter(Boolean);
    const base = `https://${ENTRA_HOST}/${tenant}`;
    if (method === "GET" && tenant === "common" && rest.join("/") === "discovery/instance") {
      return {
        status: 200,
        json: {
          tenant_discovery_endpoint: `https://${ENTRA_HOST}/${this.tenantId}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [{ preferred_network: ENTRA_HOST, preferred_cache: "login.windows.net", aliases: [ENTRA_HOST, "login.windows.net"] }],
        },
      };
    }
    if (method === "GET" && rest.join("/") === "v2.0/.well-known/openid-configuration") {
      return {
        status: 200,
        json: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          issuer: `https://${ENTRA_HOST}/${tenant}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        },
      };
    }
    if (method === "POST" && rest.join("/") === "oauth2/v2.0/token") {
      const form = new URLSearchParams(body);
      const app = this.#apps.get(form.get("client_id") ?? "");
      const oauthError = (status: number, error: string, code: number, description: string) => ({
        status,
        json: { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() },
      });
      if (tenant !== this.tenantId) return oauthError(400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
      if (app === undefined || !app.servicePrincipal) {
        return oauthError(400, "unauthorized_client", 700016, `Application with identifier '${form.get("client_id")}' was not found in the directory '${tenant}'.`);
      }
      if (form.get("client_secret") !== app.secret) return oauthError(401, "invalid_client", 7000215, "Invalid client secret provided.");
      if (form.get("grant_type") !== "client_credentials") return oauthError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
      const token = `fake-entra-token-${randomUUID()}`;
      this.#tokens.set(token, "platform");
      return { status: 200, json: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token } };
    }
    return { status: 404, json: { error: "not_found", error_description: `fake Entra ID: no route ${method} ${url.pathname}` } };
  }

  /** Key Vault: challenge, RBAC, keys. */
  #vault(request: AzurePipelineRequest, url: URL, body: string): { status: number; json?: unknown; headers?: Record<string, string> } {
    const challenge = { "WWW-Authenticate": `Bearer authorization="https://${ENTRA_HOST}/${this.tenantId}", resource="${KEY_VAULT_RESOURCE}"` };
    const error = (status: number, code: string, message: string, inner?: string) => ({
      status,
      json: { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } },
    });
    const failing = this.#failures;
    if (failing !== undefined && failing.left > 0) {
      failing.left--;
      return error(failing.status, failing.code ?? "ServiceUnavailable", "The service is temporarily unavailable.");
    }
    const outage = this.#outage;
    if (outage !== undefined && "status" in outage) {
      return {
        ...error(outage.status, outage.code ?? (outage.status === 429 ? "Throttled" : "ServiceUnavailable"), "The service is temporarily unavailable."),
        headers: outage.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(outage.retryAfterSeconds) },
      };
    }
    const auth = request.headers.get("authorization");
    if (auth === undefined) return { ...error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."), headers: challenge };
    const principal = this.#tokens.get(auth.replace(/^Bearer /, ""));
    if (principal === undefined) return { ...error(401, "Unauthorized", "AKV10032: Invalid issuer."), headers: challenge };
    if (!/^(?:7\.\d+|\d{4}-\d{2}-\d{2})(?:-preview(?:\.\d+)?)?$/.test(url.searchParams.get("api-version") ?? "")) return error(400, "BadParameter", "The api-version is missing or not supported.");

    const m = /^\/keys\/([0-9a-zA-Z-]+)(?:\/([^/]*))?(?:\/(wrapkey|unwrapkey))?\/?$/i.exec(url.pathname);
    if (m === null) return error(404, "NotFound", `fake Key Vault: no route ${request.method} ${url.pathname}`);
    const [, name, versionPart = "", op] = m;
    const allowed = (action: string) => principal === "admin" || this.granted.has(action);
    const denied = (action: string) =>
      error(
        403,
        "Forbidden",
        "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n" +
          `Caller: appid=00000000-0000-0000-0000-000000000000;oid=00000000-0000-0000-0000-000000000001;iss=https://sts.windows.net/${this.tenantId}/\r\n` +
          `Action: '${action}'\r\nResource: '/subscriptions/00000000-0000-0000-0000-000000000002/resourcegroups/rg/providers/microsoft.keyvault/vaults/fake/keys/${name.toLowerCase()}'\r\n` +
          "Assignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: fake;location=westeurope\r\n",
        "ForbiddenByRbac",
      );
    const notFound = () =>
      error(
        404,
        "KeyNotFound",
        `A key with (name/id) ${name}${versionPart ? `/${versionPart}` : ""} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );
    let json: Record<string, unknown> = {};
    if (body !== "") {
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return error(400, "BadParameter", "The request body is not valid JSON.");
      }
    }

    if (request.method === "POST" && versionPart === "create" && op === undefined) {
      if (!allowed(CREATE)) return denied(CREATE);
      const attributes = (json.attributes ?? {}) as { enabled?: boolean; exp?: number; nbf?: number };
      const version = this.createKey(name, {
        kty: json.kty as FakeKeyType,
        size: json.key_size as number | undefined,
        keyOps: json.key_ops as string[] | undefined,
        enabled: attributes.enabled,
        expiresOn: attributes.exp === undefined ? undefined : new Date(attributes.exp * 1000),
        notBefore: attributes.nbf === undefined ? undefined : new Date(attributes.nbf * 1000),
      });
      return { status: 200, json: this.#bundle(name, this.#version(name, version)!) };
    }
    const v = this.#version(name, versionPart || undefined);
    if (request.method === "GET" && op === undefined) {
      if (!allowed(READ)) return denied(READ);
      if (v === undefined) return notFound();
      return { status: 200, json: this.#bundle(name, v) };
    }
    if (request.method === "PATCH" && op === undefined) {
      if (!allowed(UPDATE)) return denied(UPDATE);
      if (v === undefined) return notFound();
      const attributes = (json.attributes ?? {}) as { enabled?: boolean; exp?: number | null; nbf?: number | null };
      this.updateKey(name, v.version, {
        enabled: attributes.enabled,
        expiresOn: attributes.exp === undefined ? undefined : attributes.exp === null ? null : new Date(attributes.exp * 1000),
        notBefore: attributes.nbf === undefined ? undefined : attributes.nbf === null ? null : new Date(attributes.nbf * 1000),
        keyOps: json.key_ops as string[] | undefined,
      });
      return { status: 200, json: this.#bundle(name, v) };
    }
    if (request.method === "POST" && op !== undefined) {
      const wrap = op.toLowerCase() === "wrapkey";
      const action = wrap ? WRAP : UNWRAP;
      const operation = wrap ? "wrapKey" : "unwrapKey";
      if (!allowed(action)) return denied(action);
      if (v === undefined) return notFound();
      if (!v.keyOps.includes(operation)) return error(403, "Forbidden", `Operation ${operation} is not permitted on this key.`, "KeyOperationForbidden");
      if (!wrap && !v.enabled) return error(403, "Forbidden", `Operation ${operation} is not allowed on a disabled key.`, "KeyDisabled");
      const now = Date.now();
      if (wrap && v.expiresOn !== undefined && v.expiresOn.getTime() <= now) return error(403, "Forbidden", `Operation ${operation} is not allowed on an expired key.`, "KeyExpired");
      if (wrap && v.notBefore !== undefined && v.notBefore.getTime() > now) return error(403, "Forbidden", `Operation ${operation} is not allowed on a key that is not yet valid.`, "KeyNotYetValid");
      const alg = json.alg;
      if (v.kty === "EC") return error(400, "BadParameter", `Algorithm ${String(alg)} is not supported for key type EC.`);
      const oaepHash = alg === "RSA-OAEP-256" ? "sha256" : alg === "RSA-OAEP" ? "sha1" : undefined;
      if (oaepHash === undefined) return error(400, "BadParameter", `Unsupported algorithm ${String(alg)}.`);
      if (typeof json.value !== "string") return error(400, "BadParameter", "The value parameter is required.");
      const input = Buffer.from(json.value, "base64url");
      try {
        const value = wrap
          ? publicEncrypt({ key: createPublicKey(v.privateKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, input)
          : privateDecrypt({ key: v.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, input);
        return { status: 200, json: { kid: this.keyId(name, v.version), value: b64u(value) } };
      } catch {
        return error(400, "BadParameter", "The parameter is incorrect.");
      }
    }
    return error(405, "MethodNotAllowed", `fake Key Vault: ${request.method} not allowed on ${url.pathname}`);
  }

  #bundle(name: string, v: KeyVersion): unknown {
    const jwk = v.publicJwk;
    const key =
      v.kty === "EC"
        ? { kid: this.keyId(name, v.version), kty: "EC", key_ops: v.keyOps, crv: jwk.crv, x: jwk.x, y: jwk.y }
        : { kid: this.keyId(name, v.version), kty: v.kty, key_ops: v.keyOps, n: jwk.n, e: jwk.e };
    return {
      key,
      attributes: {
        enabled: v.enabled,
        nbf: unix(v.notBefore),
        exp: unix(v.expiresOn),
        created: unix(v.created),
        updated: unix(v.updated),
        recoveryLevel: this.recoveryLevel,
        recoverableDays: this.recoveryLevel.startsWith("Customized") ? 30 : this.recoverableDays,
        exportable: false,
      },
      tags: {},
    };
  }
}

/**
 * Makes every outgoing TCP connection to a non-loopback address throw while installed, and records
 * it: proof that a test reached no host outside this machine. Returns the uninstall function and
 * the attempts.
 */
export function networkTripwire(): { attempts: string[]; uninstall: () => void } {
  const attempts: string[] = [];
  const original = net.Socket.prototype.connect;
  const loopback = (host: unknown) => host === undefined || host === "localhost" || host === "127.0.0.1" || host === "::1" || (typeof host === "string" && host.startsWith("127."));
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string } | number | string | unknown[];
    const opts = Array.isArray(first) ? (first[0] as { host?: string; path?: string }) : first;
    const host = typeof opts === "object" && opts !== null ? (opts.path ? "localhost" : opts.host) : typeof args[1] === "string" ? args[1] : undefined;
    if (!loopback(host)) {
      attempts.push(String(host));
      throw new Error(`networkTripwire: a test tried to connect to ${String(host)}`);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return { attempts, uninstall: () => void (net.Socket.prototype.connect = original) };
}
