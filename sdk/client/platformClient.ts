/** A typed client of the platform's Key Management API (v1); method, path, schemas and idempotency of each call come from the route table. */
import {
  VALIDATION_ID_HEADER,
  API_ROUTES,
  pathOf,
  type OperationId,
  type ResponseOf,
  type RouteSpec,
} from "../api/routes";
import type { CreateAccountRequest, PatchByokRequest, PutByokRequest } from "../schemas";
import { isPlatformError } from "./errors";
import { send, type CallOptions, type Response, type TransportConfig } from "./transport";
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
  /** `"*"`: only create; the platform answers 412 when the account already has a configuration. */
  readonly ifNoneMatch?: "*";
  /** The `validationId` of a successful `validateByok` of this exact key: the platform stores that validation instead of repeating it. */
  readonly validationId?: string;
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

/** What one call sends besides the route's own facts. */
interface CallArgs {
  readonly accountId?: string;
  readonly body?: unknown;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly headers?: Record<string, string | undefined>;
  readonly options?: CallOptions;
}

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

  /** Sends operation `id` through the one transport wrapper. */
  #call<K extends OperationId>(id: K, args: CallArgs): Promise<Response<ResponseOf<K>>> {
    const route: RouteSpec = API_ROUTES[id];
    return send(this.#config, {
      method: route.method,
      path: pathOf(id, args.accountId),
      query: args.query,
      body: args.body,
      headers: args.headers,
      response: route.response,
      idempotent: route.idempotent,
      options: args.options,
    }) as Promise<Response<ResponseOf<K>>>;
  }

  /** Creates an account (admin token). The returned token is shown only once. */
  async createAccount(options: CreateAccountOptions = {}): Promise<ResponseOf<"createAccount">> {
    const { name, ...call } = options;
    return (await this.#call("createAccount", { body: name === undefined ? {} : { name }, options: call })).body;
  }

  /** Reads the account's key-management state: mode, effective key source, platform key, BYOK. */
  async getKeyManagement(accountId: string, options: GetKeyManagementOptions = {}): Promise<ResponseOf<"getKeyManagement">> {
    return (await this.#call("getKeyManagement", { accountId, options })).body;
  }

  /** Reads what the customer's key policy or role assignment must trust. */
  async getTrust(accountId: string, options: GetTrustOptions = {}): Promise<ResponseOf<"getTrust">> {
    return (await this.#call("getTrust", { accountId, options })).body;
  }

  /** Reads the BYOK configuration, or undefined when the account has none. */
  async getByok(accountId: string, options: GetByokOptions = {}): Promise<ResponseOf<"getByok"> | undefined> {
    try {
      return (await this.#call("getByok", { accountId, options })).body;
    } catch (err) {
      if (isPlatformError(err, 404, "byok_not_configured")) return undefined;
      throw err;
    }
  }

  /**
   * Registers or replaces the BYOK configuration (idempotent upsert); the platform validates the
   * key first, unless `validationId` names its successful validation. The answer carries the
   * stored configuration, the effective key source and the platform key version.
   */
  async putByok(accountId: string, config: PutByokRequest, options: PutByokOptions = {}): Promise<ResponseOf<"putByok">> {
    const { ifMatch, ifNoneMatch, validationId, ...call } = options;
    const headers = { "if-match": ifMatch, "if-none-match": ifNoneMatch, [VALIDATION_ID_HEADER]: validationId };
    return (await this.#call("putByok", { accountId, body: config, headers, options: call })).body;
  }

  /** Validates a BYOK configuration with a real round trip, storing nothing; a success carries a validation id for `putByok`. */
  async validateByok(accountId: string, config: PutByokRequest, options: ValidateByokOptions = {}): Promise<ResponseOf<"validateByok">> {
    return (await this.#call("validateByok", { accountId, body: config, options })).body;
  }

  /** Changes nickname or activation date; fails with 412 when `ifMatch` is stale. */
  async patchByok(accountId: string, patch: PatchByokRequest, options: PatchByokOptions): Promise<ResponseOf<"patchByok">> {
    const { ifMatch, ...call } = options;
    return (await this.#call("patchByok", { accountId, body: patch, headers: { "if-match": ifMatch }, options: call })).body;
  }

  /** Reverts to platform-managed keys, re-wrapping BYOK data keys under the platform key. */
  async deleteByok(accountId: string, options: DeleteByokOptions = {}): Promise<ResponseOf<"deleteByok">> {
    const { force, ...call } = options;
    return (await this.#call("deleteByok", { accountId, query: { force: force ? true : undefined }, options: call })).body;
  }

  /** Lists audit events in order. */
  async listEvents(accountId: string, options: ListEventsOptions = {}): Promise<ResponseOf<"listEvents">> {
    const { after, limit, ...call } = options;
    return (await this.#call("listEvents", { accountId, query: { after, limit }, options: call })).body;
  }

  /** Encrypts content with the account's effective key. */
  async encryptContent(accountId: string, plaintext: Uint8Array | string, options: ContentOptions = {}): Promise<ResponseOf<"encryptContent">> {
    const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : Buffer.from(plaintext);
    return (await this.#call("encryptContent", { accountId, body: { plaintext: data.toString("base64") }, options })).body;
  }

  /** Decrypts content of this account; answers 424 when the customer key is unavailable. */
  async decryptContent(accountId: string, ciphertext: string, options: ContentOptions = {}): Promise<ResponseOf<"decryptContent">> {
    return (await this.#call("decryptContent", { accountId, body: { ciphertext }, options })).body;
  }
}
