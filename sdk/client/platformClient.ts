/** A typed client of the platform's Key Management API (v1). */
import {
  StoredByokConfiguration,
  CreateAccountResponse,
  DecryptResponse,
  DeleteByokResponse,
  EncryptResponse,
  EventsResponse,
  KeyManagementState,
  TrustResponse,
  ValidateByokResponse,
  type CreateAccountRequest,
  type PatchByokRequest,
  type PutByokRequest,
} from "../schemas";
import { isPlatformError } from "./errors";
import { send, type CallOptions, type TransportConfig } from "./transport";
import type { RetryOptions } from "./retry";

/** How to construct a PlatformClient. */
export interface PlatformClientOptions {
  /** Base URL of the platform, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Bearer token: an account token, or the admin token for `createAccount`. Never logged. */
  readonly token: string;
  /** Timeout of one attempt, in ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Retry settings for idempotent calls. @default 4 attempts, 200 ms base, 10 s cap */
  readonly retry?: RetryOptions;
  /** Replaces the wait between retries (tests). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Options of `createAccount`. */
export interface CreateAccountOptions extends CallOptions, CreateAccountRequest {}
/** Options of `getKeyManagement`. */
export type GetKeyManagementOptions = CallOptions;
/** Options of `getTrust`. */
export type GetTrustOptions = CallOptions;
/** Options of `getByok`. */
export type GetByokOptions = CallOptions;
/** Options of `putByok`. */
export interface PutByokOptions extends CallOptions {
  /** Only replace the configuration when its etag still matches. */
  readonly ifMatch?: string;
}
/** Options of `validateByok`. */
export type ValidateByokOptions = CallOptions;
/** Options of `patchByok`. */
export interface PatchByokOptions extends CallOptions {
  /** The etag read before the change; the platform answers 412 when it is stale. Required. */
  readonly ifMatch: string;
}
/** Options of `deleteByok`. */
export interface DeleteByokOptions extends CallOptions {
  /** Revert even when the customer key no longer works; unreadable data is recorded as an event. @default false */
  readonly force?: boolean;
}
/** Options of `listEvents`. */
export interface ListEventsOptions extends CallOptions {
  /** Only events with a greater `seq`. @default 0 */
  readonly after?: number;
  /** Page size, 1–500. @default 100 */
  readonly limit?: number;
}
/** Options of `encryptContent` and `decryptContent`. */
export type ContentOptions = CallOptions;

const segment = (accountId: string) => `/v1/accounts/${encodeURIComponent(accountId)}`;

/** Typed client of the Key Management API. Every method goes through one wrapper for auth, retries, timeouts and errors. */
export class PlatformClient {
  readonly #config: TransportConfig;

  constructor(options: PlatformClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) {
      throw new TypeError(`baseUrl must be an http(s) URL such as http://127.0.0.1:8080; received ${JSON.stringify(options.baseUrl)}`);
    }
    if (!options.token) throw new TypeError("token is required: pass an account or admin token (set EKM_API_TOKEN)");
    this.#config = {
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry ?? {},
      userAgent: "pulumi-ekm-sdk/0.1",
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  /** The base URL this client talks to. */
  get baseUrl(): string {
    return this.#config.baseUrl;
  }

  /** Creates an account (admin token). The returned token is shown only once. */
  async createAccount(options: CreateAccountOptions = {}): Promise<CreateAccountResponse> {
    const { name, ...call } = options;
    const r = await send(this.#config, { method: "POST", path: "/v1/accounts", body: name === undefined ? {} : { name }, response: CreateAccountResponse, idempotent: false, options: call });
    return r.body;
  }

  /** Reads the account's key-management state: mode, effective key source, platform key, BYOK. */
  async getKeyManagement(accountId: string, options: GetKeyManagementOptions = {}): Promise<KeyManagementState> {
    return (await send(this.#config, { method: "GET", path: `${segment(accountId)}/key-management`, response: KeyManagementState, idempotent: true, options })).body;
  }

  /** Reads what the customer's key policy or role assignment must trust. */
  async getTrust(accountId: string, options: GetTrustOptions = {}): Promise<TrustResponse> {
    return (await send(this.#config, { method: "GET", path: `${segment(accountId)}/key-management/trust`, response: TrustResponse, idempotent: true, options })).body;
  }

  /** Reads the BYOK configuration, or undefined when the account has none. */
  async getByok(accountId: string, options: GetByokOptions = {}): Promise<StoredByokConfiguration | undefined> {
    try {
      return (await send(this.#config, { method: "GET", path: `${segment(accountId)}/key-management/byok`, response: StoredByokConfiguration, idempotent: true, options })).body;
    } catch (err) {
      if (isPlatformError(err, 404, "byok_not_configured")) return undefined;
      throw err;
    }
  }

  /** Registers or replaces the BYOK configuration (idempotent upsert); the platform validates the key first. */
  async putByok(accountId: string, config: PutByokRequest, options: PutByokOptions = {}): Promise<StoredByokConfiguration> {
    const { ifMatch, ...call } = options;
    return (await send(this.#config, { method: "PUT", path: `${segment(accountId)}/key-management/byok`, body: config, response: StoredByokConfiguration, idempotent: true, ifMatch, options: call })).body;
  }

  /** Validates a BYOK configuration with a real round trip, storing nothing. */
  async validateByok(accountId: string, config: PutByokRequest, options: ValidateByokOptions = {}): Promise<ValidateByokResponse> {
    // A dry run changes nothing, so it is safe to retry although it is a POST.
    return (await send(this.#config, { method: "POST", path: `${segment(accountId)}/key-management/byok:validate`, body: config, response: ValidateByokResponse, idempotent: true, options })).body;
  }

  /** Changes nickname or activation date; fails with 412 when `ifMatch` is stale. */
  async patchByok(accountId: string, patch: PatchByokRequest, options: PatchByokOptions): Promise<StoredByokConfiguration> {
    const { ifMatch, ...call } = options;
    return (await send(this.#config, { method: "PATCH", path: `${segment(accountId)}/key-management/byok`, body: patch, response: StoredByokConfiguration, idempotent: false, ifMatch, options: call })).body;
  }

  /** Reverts to platform-managed keys, re-wrapping BYOK data keys under the platform key. */
  async deleteByok(accountId: string, options: DeleteByokOptions = {}): Promise<DeleteByokResponse> {
    const { force, ...call } = options;
    return (await send(this.#config, { method: "DELETE", path: `${segment(accountId)}/key-management/byok`, query: { force: force ? true : undefined }, response: DeleteByokResponse, idempotent: true, options: call })).body;
  }

  /** Lists audit events in order. */
  async listEvents(accountId: string, options: ListEventsOptions = {}): Promise<EventsResponse> {
    const { after, limit, ...call } = options;
    return (await send(this.#config, { method: "GET", path: `${segment(accountId)}/key-management/events`, query: { after, limit }, response: EventsResponse, idempotent: true, options: call })).body;
  }

  /** Encrypts content with the account's effective key. */
  async encryptContent(accountId: string, plaintext: Uint8Array | string, options: ContentOptions = {}): Promise<EncryptResponse> {
    const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : Buffer.from(plaintext);
    return (await send(this.#config, { method: "POST", path: `${segment(accountId)}/content:encrypt`, body: { plaintext: data.toString("base64") }, response: EncryptResponse, idempotent: false, options })).body;
  }

  /** Decrypts content of this account; answers 424 when the customer key is unavailable. */
  async decryptContent(accountId: string, ciphertext: string, options: ContentOptions = {}): Promise<DecryptResponse> {
    // Decryption has no side effect, so it is retried like a GET.
    return (await send(this.#config, { method: "POST", path: `${segment(accountId)}/content:decrypt`, body: { ciphertext }, response: DecryptResponse, idempotent: true, options })).body;
  }
}
