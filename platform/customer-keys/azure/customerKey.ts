/**
 * The platform's use of a customer's Azure Key Vault key: read the key, then wrap fresh 32-byte
 * data keys with RSA-OAEP-256 and unwrap them again with exactly the key version that wrapped them.
 *
 * Every Key Vault call goes through one wrapper (`call`): a deadline (an abort signal, and a
 * rejection even if the pipeline is still waiting between retries), the SDK's retries, and the
 * mapping to `CustomerKeyError`. Clients are built lazily inside `createAzureKeySession`'s closure,
 * never at module level, and only ever for the configured vault host.
 *
 * Why not `CryptographyClient(keyId)` as the SDK's samples do: given a key id it first GETs the key
 * (one more call per client) and then checks `exp`/`nbf`/`key_ops` on the client, so it refuses to
 * unwrap with an expired key, which Key Vault itself allows ("date-time controlled operations":
 * https://learn.microsoft.com/azure/key-vault/keys/about-keys-details#date-time-controlled-operations);
 * and its `WrapResult.keyID` is the id it was built with, not the `kid` of Key Vault's answer, so a
 * versionless client cannot say which version wrapped a key. So the platform GETs the key itself
 * (which resolves a versionless key to its current version and shows enabled/exp/nbf/kty/size/ops),
 * and wraps and unwraps through remote-only clients built on the versioned key id.
 *
 * - Get Key: https://learn.microsoft.com/rest/api/keyvault/keys/get-key/get-key
 * - Wrap Key: https://learn.microsoft.com/rest/api/keyvault/keys/wrap-key/wrap-key
 * - Unwrap Key: https://learn.microsoft.com/rest/api/keyvault/keys/unwrap-key/unwrap-key
 */
import { randomBytes } from "node:crypto";
import * as https from "node:https";
import * as tls from "node:tls";
import { CryptographyClient, KeyClient, type KeyClientOptions, type KeyVaultKey } from "@azure/keyvault-keys";
import type { TokenCredential } from "@azure/identity";
import { quote } from "../../../sdk/schemas/formats";
import { CustomerKeyError, type CustomerKey, type WrappedDataKey } from "../types";
import { mapAzureError, type AzureAction } from "./errors";
import {
  MAX_RETRIES,
  resolveAzureCustomerKeyOptions,
  WRAP_ALGORITHM,
  type AzureCustomerKeyOptions,
  type AzurePipelinePolicy,
  type AzurePipelineRequest,
  type ResolvedAzureCustomerKeyOptions,
} from "./options";
import { keyProblems, validateAzureKey } from "./validate";

/** The customer key's calls, shared by the data path and the validation chain. */
export interface AzureKeySession {
  readonly options: ResolvedAzureCustomerKeyOptions;
  /** Reads the configured key (its current version when versionless), through the call wrapper. */
  getKey(): Promise<KeyVaultKey>;
  /** Wraps `plaintext` with RSA-OAEP-256 under the versioned key id `keyId`. */
  wrap(keyId: string, plaintext: Buffer): Promise<Buffer>;
  /** Unwraps `wrapped` with RSA-OAEP-256 under the versioned key id `keyId`, which must be in the configured vault. */
  unwrap(keyId: string, wrapped: Buffer): Promise<Buffer>;
  generateDataKey(): Promise<WrappedDataKey>;
  unwrapDataKey(wrapped: Buffer, keyRef: string): Promise<Buffer>;
  /** The version the last successful `getKey` answered with; undefined before one. */
  currentVersion(): string | undefined;
}

/** Path of a versioned key id: `/keys/<name>/<32 hex version>`. */
const VERSIONED_KEY_PATH = /^\/keys\/([0-9a-zA-Z-]{1,127})\/([0-9a-fA-F]{32})$/;
/** Remote-only cryptography clients kept per versioned key id (each holds its pipeline's token and challenge state). */
const MAX_CRYPTO_CLIENTS = 32;

/** The operation of a Key Vault request, for `onCall`. */
export function operationOf(request: Pick<AzurePipelineRequest, "method" | "url" | "headers">): string {
  if (!request.headers.has("authorization")) return "Challenge";
  let path = "";
  try {
    path = new URL(request.url).pathname.toLowerCase();
  } catch {
    return `${request.method} ${request.url}`;
  }
  if (request.method === "POST" && path.endsWith("/wrapkey")) return "WrapKey";
  if (request.method === "POST" && path.endsWith("/unwrapkey")) return "UnwrapKey";
  if (request.method === "GET" && path.startsWith("/keys/")) return "GetKey";
  return `${request.method} ${path}`;
}

/**
 * Runs `run` with an abort signal that fires after `timeoutMs`, and rejects with a TimeoutError
 * then even if the pipeline is still sleeping between retries.
 */
async function withDeadline<T>(timeoutMs: number, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = Object.assign(new Error(`deadline of ${timeoutMs} ms exceeded`), { name: "TimeoutError" });
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The agent of a test vault: Node's roots plus `caCertPem`, and, with `vaultAddress`, connections
 * to the vault host opened to that loopback address instead. The TLS server name stays the vault
 * host (Node's agent sets `servername` from the request's host before `createConnection`), so the
 * certificate is still checked against it. Other hosts (the authority) connect as usual.
 */
function testAgent(o: ResolvedAzureCustomerKeyOptions): https.Agent {
  const ca = o.caCertPem === undefined ? undefined : [...tls.rootCertificates, o.caCertPem];
  const address = o.vaultAddress;
  const vaultHostname = new URL(o.vaultUrl).hostname;
  class VaultAgent extends https.Agent {
    override createConnection(options: Parameters<https.Agent["createConnection"]>[0], callback?: Parameters<https.Agent["createConnection"]>[1]) {
      const redirect = address !== undefined && options.host?.toLowerCase() === vaultHostname;
      const target = redirect ? { ...options, host: address.host, port: address.port, servername: vaultHostname } : options;
      return super.createConnection(target, callback);
    }
  }
  return new VaultAgent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
}

/** Creates the calls for one account's Azure customer key; nothing is called until a method runs. */
export function createAzureKeySession(options: AzureCustomerKeyOptions): AzureKeySession {
  const o = resolveAzureCustomerKeyOptions(options);
  let credential: TokenCredential | undefined = o.credential;
  let keyClient: KeyClient | undefined;
  let lastVersion: string | undefined;
  const cryptoClients = new Map<string, CryptographyClient>();
  const policies: NonNullable<KeyClientOptions["additionalPolicies"]> = [];
  const transport: NonNullable<KeyClientOptions["additionalPolicies"]> = [];
  if (o.caCertPem !== undefined || o.vaultAddress !== undefined) {
    // Node's roots plus the extra CA: verification stays on, the test vault's CA is just one more root.
    const agent = testAgent(o);
    const caPolicy: AzurePipelinePolicy = {
      name: "ekmVaultCa",
      sendRequest: (request, next) => {
        request.agent ??= agent;
        return next(request);
      },
    };
    transport.push({ policy: caPolicy, position: "perCall" });
    policies.push(...transport);
  }
  if (o.onCall !== undefined) {
    const onCall = o.onCall;
    // perRetry runs after the retry and authentication policies: once per HTTP request on the wire.
    const counter: AzurePipelinePolicy = {
      name: "ekmCallCounter",
      sendRequest: (request, next) => {
        onCall(operationOf(request));
        return next(request);
      },
    };
    policies.push({ policy: counter, position: "perRetry" });
  }

  /** Fresh options per client: the SDK writes into the object it is given. */
  function clientOptions(): KeyClientOptions {
    return {
      disableChallengeResourceVerification: o.disableChallengeResourceVerification,
      retryOptions: { maxRetries: MAX_RETRIES, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
      userAgentOptions: { userAgentPrefix: "pulumi-ekm" },
      additionalPolicies: [...policies],
      ...(o.httpClient === undefined ? {} : { httpClient: o.httpClient }),
    };
  }

  /** The credential: the given one, else the platform application's client secret in the vault's tenant. */
  function tokenCredential(action: AzureAction): TokenCredential {
    if (credential !== undefined) return credential;
    if (o.clientId === undefined || o.clientSecret === undefined) {
      throw new CustomerKeyError(
        "unavailable",
        action,
        `${action} failed: the platform has no Azure application credentials — set its application ID (EKM_AZURE_CLIENT_ID or --azure-client-id) ` +
          "and its client secret (EKM_AZURE_CLIENT_SECRET); the customer's configuration is not at fault",
      );
    }
    // Loaded on first use: @azure/identity pulls in MSAL.
    const { ClientSecretCredential } = require("@azure/identity") as typeof import("@azure/identity");
    // The same HTTP client as the vault's: tests answer Entra ID in process too.
    credential = new ClientSecretCredential(o.tenantId, o.clientId, o.clientSecret, {
      authorityHost: o.authorityHost,
      // MSAL asks login.microsoftonline.com about an authority it does not know; a test authority has no entry there.
      ...(o.customAuthority ? { disableInstanceDiscovery: true } : {}),
      // The test CA (and vault address) only: the call counter is for vault requests.
      additionalPolicies: [...transport],
      ...(o.httpClient === undefined ? {} : { httpClient: o.httpClient }),
    });
    return credential;
  }

  function keys(action: AzureAction): KeyClient {
    keyClient ??= new KeyClient(o.vaultUrl, tokenCredential(action), clientOptions());
    return keyClient;
  }

  /** A client that only calls Key Vault for `keyId` (no GET, no client-side checks): see the module comment. */
  function crypto(action: AzureAction, keyId: string): CryptographyClient {
    const hit = cryptoClients.get(keyId);
    if (hit !== undefined) return hit;
    const { name, version } = versionedKeyId(action, keyId);
    const remoteOnly: KeyVaultKey = { id: keyId, name, properties: { id: keyId, name, vaultUrl: o.vaultUrl, version } };
    const client = new CryptographyClient(remoteOnly, tokenCredential(action), clientOptions());
    if (cryptoClients.size >= MAX_CRYPTO_CLIENTS) cryptoClients.delete(cryptoClients.keys().next().value as string);
    cryptoClients.set(keyId, client);
    return client;
  }

  /**
   * Checks that `keyId` is a versioned key id in the configured vault. The platform calls no other
   * host: a stored or returned key id pointing elsewhere is refused (SSRF).
   */
  function versionedKeyId(action: AzureAction, keyId: string): { name: string; version: string } {
    let url: URL | undefined;
    try {
      url = new URL(keyId);
    } catch {
      url = undefined;
    }
    const path = url === undefined ? null : VERSIONED_KEY_PATH.exec(url.pathname);
    if (url === undefined || url.protocol !== "https:" || url.host.toLowerCase() !== o.vaultHost || url.username || url.password || url.search || url.hash) {
      throw new CustomerKeyError(
        "invalid-key",
        action,
        `${action} refused: ${quote(keyId)} is not a key of vault ${o.vaultHost} — the platform calls only the configured vault; pass the keyRef that generateDataKey returned`,
      );
    }
    if (path === null) {
      throw new CustomerKeyError(
        "invalid-key",
        action,
        `${action} refused: ${quote(keyId)} is not a versioned key id https://${o.vaultHost}/keys/<name>/<version> — pass the keyRef that generateDataKey returned`,
      );
    }
    return { name: path[1], version: path[2].toLowerCase() };
  }

  /** The one wrapper every call goes through: credential check, deadline, SDK retries, error mapping. */
  async function call<T>(action: AzureAction, keyId: string, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await withDeadline(o.timeoutMs, run);
    } catch (err) {
      throw mapAzureError(err, {
        action,
        accountId: o.accountId,
        vaultUrl: o.vaultUrl,
        keyId,
        tenantId: o.tenantId,
        clientId: o.clientId,
        timeoutMs: o.timeoutMs,
        onOperatorDetail: o.onOperatorDetail,
      });
    }
  }

  const session: AzureKeySession = {
    options: o,

    async getKey() {
      const action = "keyvault:GetKey";
      const key = await call(action, o.keyId, (abortSignal) => keys(action).getKey(o.keyName, { version: o.keyVersion, abortSignal }));
      if (key.id === undefined) {
        throw new CustomerKeyError("unavailable", action, `${action} returned no key id for ${o.keyId} — retry later`);
      }
      // The answer's kid must be a version of the configured key in the configured vault.
      const { name, version } = versionedKeyId(action, key.id);
      if (name.toLowerCase() !== o.keyName.toLowerCase() || (o.keyVersion !== undefined && version !== o.keyVersion)) {
        throw new CustomerKeyError("invalid-key", action, `${action} for ${o.keyId} answered with another key (${key.id}) — check the vault URL`);
      }
      lastVersion = version;
      return key;
    },

    async wrap(keyId, plaintext) {
      const action = "keyvault:WrapKey";
      const client = crypto(action, keyId);
      const out = await call(action, keyId, (abortSignal) => client.wrapKey(WRAP_ALGORITHM, plaintext, { abortSignal }));
      if (out.result === undefined || out.result.length === 0) {
        throw new CustomerKeyError("unavailable", action, `${action} returned no wrapped key under ${keyId} — retry later`);
      }
      return Buffer.from(out.result);
    },

    async unwrap(keyId, wrapped) {
      const action = "keyvault:UnwrapKey";
      const client = crypto(action, keyId);
      const out = await call(action, keyId, (abortSignal) => client.unwrapKey(WRAP_ALGORITHM, wrapped, { abortSignal }));
      if (out.result === undefined || out.result.length === 0) {
        throw new CustomerKeyError("unavailable", action, `${action} returned no data key under ${keyId} — retry later`);
      }
      const plaintext = Buffer.from(out.result);
      out.result.fill(0);
      return plaintext;
    },

    async generateDataKey() {
      const key = await session.getKey();
      const keyId = key.id as string;
      const problems = keyProblems(key, o.now());
      if (problems.length > 0) {
        throw new CustomerKeyError(problems[0].kind, "keyvault:WrapKey", `keyvault:WrapKey not attempted: ${problems.map((p) => p.message).join("; ")}`);
      }
      const plaintext = randomBytes(32);
      try {
        const wrapped = await session.wrap(keyId, plaintext);
        return { plaintext, wrapped, keyRef: keyId, keyVersion: versionedKeyId("keyvault:WrapKey", keyId).version };
      } catch (err) {
        plaintext.fill(0);
        throw err;
      }
    },

    unwrapDataKey(wrapped, keyRef) {
      return session.unwrap(keyRef, wrapped);
    },

    currentVersion: () => lastVersion,
  };
  return session;
}

/**
 * The platform's use of a customer's Azure Key Vault key for one account (source `byok-azure`).
 * Throws a TypeError at once when an input is malformed; otherwise nothing is called until a
 * method runs. `generateDataKey` and `unwrapDataKey` throw `CustomerKeyError`; `validate` never
 * throws.
 */
export function createAzureCustomerKey(options: AzureCustomerKeyOptions): CustomerKey {
  const session = createAzureKeySession(options);
  return {
    source: "byok-azure",
    validate: () => validateAzureKey(session),
    generateDataKey: () => session.generateDataKey(),
    unwrapDataKey: (wrapped, keyRef) => session.unwrapDataKey(wrapped, keyRef),
    keyVersionInUse: () => session.currentVersion(),
  };
}
