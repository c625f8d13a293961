/**
 * Telling a wrong platform URL from a real answer of the platform.
 *
 * Every answer of the platform is JSON in the error shape of the API, and it knows every route
 * under `/v1`. So an answer that is not JSON (an HTML page, a proxy's text), a 404 "no route"
 * (the base URL carries a path, typically `/v1`, so every path is doubled), or a TLS handshake
 * that fails (https:// to a plain-HTTP port, an untrusted certificate) means the URL points
 * somewhere else. Read as answers, these would become "the account does not exist" or "the
 * configuration was deleted outside Pulumi", which sends the user after the wrong problem.
 */
import { PlatformError, isPlatformError } from "./errors";

/** Node's and OpenSSL's codes for a TLS connection that could not be set up. https://nodejs.org/api/tls.html */
const TLS_FAILURES = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|HOSTNAME_MISMATCH)/;

/** How to point the URL at the platform; the same advice ends every diagnosis. */
const FIX = "set ekm:platformUrl (or EKM_PLATFORM_URL) to the platform's base URL, e.g. https://ekm.example.com, without /v1 or any API path";

/** A platform URL that does not lead to the platform's Key Management API. */
export class WrongPlatformUrlError extends Error {
  /** The call whose answer showed it, e.g. `GET /v1/accounts/acct-1/key-management`. */
  readonly operation: string;

  constructor(message: string, operation: string) {
    super(message);
    this.name = "WrongPlatformUrlError";
    this.operation = operation;
  }
}

/**
 * Why `err` shows that `baseUrl` is not the platform's URL, or undefined when `err` is a real
 * answer (or an outage) of the platform.
 */
export function wrongUrlReason(err: PlatformError): string | undefined {
  if (err.code === "not_json") return `the answer is not the platform's JSON (${err.message.replace(/^.*?failed \([^)]*\): /, "")})`;
  if (err.status === 404 && err.code === "not_found" && /\bno route\b/.test(err.message)) {
    return `the server there knows no ${err.operation} route (404 no route), so the URL carries an extra path`;
  }
  const cause = err.details?.cause;
  if (err.status === 0 && typeof cause === "string" && TLS_FAILURES.test(cause)) {
    return `the TLS connection failed (${cause}): use http:// for a platform that serves plain HTTP, or make Node trust its certificate (NODE_EXTRA_CA_CERTS for a private CA)`;
  }
  return undefined;
}

/** `err` as a WrongPlatformUrlError when it shows a wrong URL, else `err` itself. */
export function diagnoseUrl(err: unknown, baseUrl: string): unknown {
  if (!isPlatformError(err)) return err;
  const reason = wrongUrlReason(err);
  return reason === undefined ? err : new WrongPlatformUrlError(`the platform URL ${baseUrl} is wrong: ${reason}; ${FIX}`, err.operation);
}

/**
 * `client` with every method's failure passed through `diagnoseUrl`: a wrong URL rejects with a
 * WrongPlatformUrlError, which no caller mistakes for a platform status such as 404.
 */
export function withUrlDiagnosis<T extends object>(client: T, baseUrl: string): T {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)).catch((err: unknown) => {
          throw diagnoseUrl(err, baseUrl);
        });
    },
  });
}
