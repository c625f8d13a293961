/**
 * The one wrapper every PlatformClient call goes through: bearer auth, a timeout per
 * attempt, retries with jittered backoff for idempotent calls, request headers, response
 * validation and error mapping.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ErrorBody, describeIssues, formatIssues } from "../schemas";
import { PlatformError, type PlatformErrorInit } from "./errors";
import { RETRYABLE_STATUSES, backoffDelay, parseRetryAfter, retryDefaults, type RetryOptions } from "./retry";

/** Options shared by every call. */
export interface CallOptions {
  /** Timeout of one attempt, in ms. @default the client's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Aborts the call (all attempts). */
  readonly signal?: AbortSignal;
  /** Overrides the client's retry settings for this call. */
  readonly retry?: RetryOptions;
}

/** How to reach the platform. */
export interface TransportConfig {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly userAgent: string;
  /** Waits between attempts; injectable so tests need not sleep. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** One request to send. */
export interface RequestSpec<S extends z.ZodType | undefined> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  /** Schema of a 2xx body; undefined for 204. */
  readonly response: S;
  /** Safe to repeat: only these calls are retried. */
  readonly idempotent: boolean;
  /** Request headers (e.g. `if-match`); undefined values are not sent. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly options?: CallOptions;
}

/** A successful response: the validated body and the ETag header, if any. */
export interface Response<T> {
  readonly body: T;
  readonly etag?: string;
  readonly status: number;
}

/** Sends `spec` with retries and returns the validated body, or throws PlatformError. */
export async function send<S extends z.ZodType | undefined>(config: TransportConfig, spec: RequestSpec<S>): Promise<Response<S extends z.ZodType ? z.output<S> : undefined>> {
  const retry = retryDefaults({ ...config.retry, ...spec.options?.retry });
  const maxAttempts = spec.idempotent ? retry.maxAttempts : 1;
  const operation = `${spec.method} ${spec.path}`;
  const url = buildUrl(config.baseUrl, spec.path, spec.query);
  let last: PlatformError | undefined;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (attempt > 0 && last) {
      await config.sleep(backoffDelay(attempt - 1, retry, last.retryAfterMs));
    }
    spec.options?.signal?.throwIfAborted();
    const requestId = randomUUID();
    const outcome = await attemptOnce(config, spec, url, requestId, operation, attempt + 1);
    if (!(outcome instanceof PlatformError)) return outcome as Response<S extends z.ZodType ? z.output<S> : undefined>;
    last = outcome;
    const retryable = outcome.status === 0 ? outcome.code !== "aborted" : RETRYABLE_STATUSES.has(outcome.status);
    if (!retryable) break;
  }
  throw last;
}

function buildUrl(baseUrl: string, path: string, query: RequestSpec<undefined>["query"]): string {
  const url = new URL(path.replace(/^\//, ""), baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

async function attemptOnce(
  config: TransportConfig,
  spec: RequestSpec<z.ZodType | undefined>,
  url: string,
  requestId: string,
  operation: string,
  attempts: number,
): Promise<Response<unknown> | PlatformError> {
  const timeoutMs = spec.options?.timeoutMs ?? config.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = spec.options?.signal ? AbortSignal.any([timeout, spec.options.signal]) : timeout;
  const headers: Record<string, string> = {
    authorization: `Bearer ${config.token}`,
    accept: "application/json",
    "user-agent": config.userAgent,
    "x-request-id": requestId,
  };
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  for (const [name, value] of Object.entries(spec.headers ?? {})) if (value !== undefined) headers[name] = value;
  const fail = (status: number, code: string, message: string, extra: Partial<PlatformErrorInit> = {}) =>
    new PlatformError({ status, code, message, requestId, operation, attempts, ...extra });

  let res: globalThis.Response;
  let text: string;
  try {
    res = await fetch(url, { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body), signal });
    text = await res.text();
  } catch (err) {
    if (spec.options?.signal?.aborted) return fail(0, "aborted", "the call was aborted by the caller");
    if (timeout.aborted) return fail(0, "timeout", `no answer within ${timeoutMs} ms: check that the platform at ${new URL(url).origin} is up, or raise timeoutMs`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return fail(0, "network_error", `could not reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, cause?.code ? { details: { cause: cause.code } } : {});
  }

  const json = parseJson(text);
  // The platform answers JSON on every route, errors included; anything else (an HTML page, plain
  // text) comes from another server, i.e. a wrong base URL.
  if (typeof json === "string") {
    const type = res.headers.get("content-type") ?? "no content type";
    return fail(res.status, "not_json", `HTTP ${res.status} ${res.statusText} with a ${type} body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (res.status >= 200 && res.status < 300) {
    if (spec.response === undefined) return { body: undefined, status: res.status, etag: res.headers.get("etag") ?? undefined };
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) {
      return fail(res.status, "invalid_response", `the platform's answer does not match the API contract:\n${formatIssues(describeIssues(parsed.error))}`);
    }
    return { body: parsed.data, status: res.status, etag: res.headers.get("etag") ?? undefined };
  }
  const err = ErrorBody.safeParse(json);
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), Date.now());
  if (err.success) {
    const e = err.data.error;
    return fail(res.status, e.code, e.message, { field: e.field, checks: e.checks, details: e.details, retryAfterMs });
  }
  return fail(res.status, res.status >= 500 ? "server_error" : "http_error", `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`, { retryAfterMs });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
