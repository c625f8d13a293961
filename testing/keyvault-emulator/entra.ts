/**
 * The part of Microsoft Entra ID that `ClientSecretCredential` (MSAL Node) calls: the tenant's
 * OpenID configuration, instance discovery, and the client-credentials token endpoint.
 *
 * MSAL Node, given `authorityHost: https://127.0.0.1:<port>` and `disableInstanceDiscovery: true`,
 * trusts that host as a known authority, reads `/{tenant}/v2.0/.well-known/openid-configuration`
 * and posts to the `token_endpoint` it names. Without `disableInstanceDiscovery` it first asks
 * login.microsoftonline.com's `/common/discovery/instance`, which a test must never reach; the
 * route is served too, for a client whose authority host is this emulator under another name.
 *
 * Error bodies follow Entra's OAuth 2.0 error shape and AADSTS codes
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
import { randomUUID } from "node:crypto";
import type { Answer } from "./errors";
import { KEY_VAULT_RESOURCE } from "./facts";
import type { Store } from "./store";
import { issuerOf, signToken } from "./tokens";

/** Lifetime of the tokens issued, seconds (Entra issues 60–90 minute tokens; 3599 is what clients see most). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

function oauthError(status: number, error: string, code: number, description: string): Answer {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

/** Whether a path is one of Entra's (rather than Key Vault's or the admin API's). */
export function isEntraPath(segments: readonly string[]): boolean {
  if (segments.length === 0) return false;
  const rest = segments.slice(1).join("/").toLowerCase();
  return (
    rest === "oauth2/v2.0/token" ||
    rest === "v2.0/.well-known/openid-configuration" ||
    rest === "discovery/v2.0/keys" ||
    (segments[0].toLowerCase() === "common" && rest === "discovery/instance")
  );
}

/** Options of the token endpoint. */
export interface EntraOptions {
  readonly tokenLifetimeSeconds: number;
  readonly now: () => number;
}

/** Answers an Entra request; `origin` is `https://<host>` as the client addressed it. */
export function entraAnswer(store: Store, options: EntraOptions, method: string, origin: string, segments: readonly string[], body: string): Answer {
  const tenant = segments[0];
  const rest = segments.slice(1).join("/").toLowerCase();
  if (method === "GET" && tenant.toLowerCase() === "common" && rest === "discovery/instance") {
    const host = new URL(origin).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${origin}/common/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }
  if (method === "GET" && rest === "v2.0/.well-known/openid-configuration") {
    const base = `${origin}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        issuer: `${origin}/${tenant}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: "local",
      },
    };
  }
  if (method === "GET" && rest === "discovery/v2.0/keys") {
    // The emulator's tokens are HMAC-signed and opaque to clients; no public keys to publish.
    return { status: 200, body: { keys: [] } };
  }
  if (method !== "POST" || rest !== "oauth2/v2.0/token") {
    return oauthError(405, "invalid_request", 900561, `The endpoint only accepts POST requests. Received a ${method} request.`);
  }
  const form = new URLSearchParams(body);
  const grantType = form.get("grant_type");
  const clientId = form.get("client_id") ?? "";
  const scope = form.get("scope") ?? "";
  const known = store.state.servicePrincipals.some((p) => p.tenantId === tenant) || Object.values(store.state.vaults).some((v) => v.settings.tenantId === tenant);
  if (!known) return oauthError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  if (grantType !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
  }
  if (clientId === "") return oauthError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const principal = store.state.servicePrincipals.find((p) => p.tenantId === tenant && p.clientId === clientId);
  if (principal === undefined) {
    return oauthError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const secret = form.get("client_secret");
  if (secret === null) return oauthError(401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
  if (secret !== principal.secret) return oauthError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.");
  const scopes = scope.split(" ").filter(Boolean);
  const resource = scopes.length === 1 && scopes[0].endsWith("/.default") ? scopes[0].slice(0, -"/.default".length) : undefined;
  if (resource !== KEY_VAULT_RESOURCE && resource !== `${KEY_VAULT_RESOURCE}/`) {
    return oauthError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const now = Math.floor(options.now() / 1000);
  const token = signToken(
    { aud: KEY_VAULT_RESOURCE, iss: issuerOf(tenant), tid: tenant, oid: principal.objectId, appid: clientId, iat: now, nbf: now, exp: now + options.tokenLifetimeSeconds },
    store.state.tokenSecret,
  );
  return { status: 200, body: { token_type: "Bearer", expires_in: options.tokenLifetimeSeconds, ext_expires_in: options.tokenLifetimeSeconds, access_token: token } };
}
