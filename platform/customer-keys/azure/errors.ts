/**
 * Maps an Azure SDK error (a `RestError` from Key Vault, an Entra ID error from `@azure/identity`,
 * a network or abort error under them) to a `CustomerKeyError`: a kind the platform can act on
 * (fallback, 424, retry) and a message that names the failed action and says how to fix it.
 *
 * Pure: no calls, no clock. Messages are built from the configuration (vault, key, tenant, the
 * platform's application ID, which the trust endpoint publishes) and from error codes. They never
 * quote a Key Vault or Entra ID message (those carry object IDs and subscription paths), only the
 * data action a Key Vault RBAC denial names, matched against a strict pattern; they never hold
 * the client secret or a token.
 *
 * - Key Vault errors: https://learn.microsoft.com/azure/key-vault/general/rest-error-codes
 * - RBAC data actions: https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 * - Entra ID error codes: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
import { DOCUMENTED_DATA_ACTIONS, KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER, KEY_VAULT_OPERATIONS, REQUIRED_DATA_ACTION, type KeyVaultOperation } from "../../../sdk/contract";
import { NETWORK_ERROR_CODES } from "../chain";
import { CustomerKeyError, type CustomerKeyErrorKind } from "../types";

/** The Key Vault actions the platform performs for a customer key (`sdk/contract/azure.ts`); also the names of the validation checks. */
export type AzureAction = KeyVaultOperation;

/** What the failed call was about: enough to name the action, the key, the principal and the fix. */
export interface AzureErrorContext {
  /** The action that failed. */
  readonly action: AzureAction;
  /** The platform account the key protects; names the trust endpoint when the application ID is unknown. */
  readonly accountId: string;
  /** The vault URL, `https://<host>/`. */
  readonly vaultUrl: string;
  /** The key id the call used: `https://<host>/keys/<name>` or with `/<version>`. */
  readonly keyId: string;
  /** The tenant of the vault, as registered. */
  readonly tenantId: string;
  /** The platform's application (client) ID, when configured. */
  readonly clientId?: string;
  /** The per-call deadline, quoted in timeout messages. */
  readonly timeoutMs: number;
  /** Receives what only the operator's log may show (the exact network error code). */
  readonly onOperatorDetail?: (detail: string) => void;
}

/** The access-policy key permission each platform action needs (vaults still on the access policy model). */
const ACCESS_POLICY_PERMISSION: Record<AzureAction, string> = {
  [KEY_VAULT_OPERATIONS.getKey]: "get",
  [KEY_VAULT_OPERATIONS.wrapKey]: "wrapKey",
  [KEY_VAULT_OPERATIONS.unwrapKey]: "unwrapKey",
};

/** The shape of a `RestError`, an `@azure/identity` error and Node's network errors, as far as the mapping needs it. */
interface AzureErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly details?: { readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly innerError?: { readonly code?: unknown } } };
  readonly errorResponse?: { readonly error?: unknown; readonly errorDescription?: unknown; readonly errorCodes?: unknown };
  readonly cause?: unknown;
}

// The Azure core pipeline reports a failed send as REQUEST_SEND_ERROR.
const NETWORK_ERRORS: ReadonlySet<string> = new Set([...NETWORK_ERROR_CODES, "REQUEST_SEND_ERROR"]);
const TLS_ERRORS = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** The parts of an Azure error the mapping reads. */
export interface AzureErrorParts {
  /** The error's name: `RestError`, `AuthenticationError`, `AbortError`, … */
  readonly name: string;
  /** The HTTP status, when an answer came. */
  readonly status?: number;
  /** Key Vault's `error.code` (`Forbidden`, `KeyNotFound`, …) or Node's `code` (`ECONNREFUSED`). */
  readonly code?: string;
  /** Key Vault's `error.innererror.code` (`ForbiddenByRbac`, `KeyDisabled`, …). */
  readonly innerCode?: string;
  /** The raw message, for pattern matching only: never quoted. */
  readonly message: string;
}

/**
 * A server-given code, safe to quote: a short identifier (`KeyNotFound`, `ECONNREFUSED`,
 * `invalid_client`), else `UnrecognizedCode`. Codes are quoted in messages, so a server that
 * echoes anything else (a token, say) in its code field cannot get it into an event or a response.
 */
export function safeCode(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  return /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : "UnrecognizedCode";
}

/** Reads the parts of any thrown value. */
export function azureErrorParts(err: unknown): AzureErrorParts {
  const e: AzureErrorLike = typeof err === "object" && err !== null ? (err as AzureErrorLike) : {};
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const inner = e.details?.error?.innerError?.code;
  return {
    name: safeCode(e.name) ?? "Error",
    status: typeof e.statusCode === "number" ? e.statusCode : undefined,
    code: safeCode(e.details?.error?.code) ?? safeCode(e.code),
    innerCode: safeCode(inner),
    message: [str(e.message), str(e.details?.error?.message)].filter(Boolean).join("\n"),
  };
}

/** The vault's host, from its URL. */
function hostOf(vaultUrl: string): string {
  try {
    return new URL(vaultUrl).host;
  } catch {
    return vaultUrl;
  }
}

/** Name and version of a key id `https://<host>/keys/<name>[/<version>]`. */
export function keyIdParts(keyId: string): { name: string; version?: string } {
  let path = keyId;
  try {
    path = new URL(keyId).pathname;
  } catch {
    // not a URL: read it as a path
  }
  const segments = path.split("/").filter(Boolean);
  const at = segments.indexOf("keys");
  return { name: segments[at + 1] ?? keyId, version: segments[at + 2] || undefined };
}

/** The vault's name: the first label of its host. */
function vaultNameOf(vaultUrl: string): string {
  return hostOf(vaultUrl).split(".")[0].replace(/:\d+$/, "");
}

/** `az keyvault key set-attributes` for the key (and version) of the context, with `flags`. */
export function setAttributesCommand(ctx: Pick<AzureErrorContext, "vaultUrl" | "keyId">, flags: string): string {
  const { name, version } = keyIdParts(ctx.keyId);
  return `az keyvault key set-attributes --vault-name ${vaultNameOf(ctx.vaultUrl)} --name ${name}${version ? ` --version ${version}` : ""} ${flags}`;
}

/** Who needs the permission: the application ID when known, else where to find it. */
function principalOf(ctx: Pick<AzureErrorContext, "clientId" | "accountId">): string {
  return ctx.clientId !== undefined
    ? `the platform's application ${ctx.clientId}`
    : `the platform's application (its ID: GET /v1/accounts/${ctx.accountId}/key-management/trust)`;
}

/** The documented permission set, as the customer grants it. */
export function roleGrant(): string {
  return (
    `the role "${KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER.name}" (${KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER.id}) on the key, ` +
    `or a custom role with the dataActions ${DOCUMENTED_DATA_ACTIONS.join(", ")} (role assignments can take a few minutes to apply)`
  );
}

/** Who must be granted what, in the vault's tenant. */
export function roleFix(ctx: Pick<AzureErrorContext, "tenantId">): string {
  return `assign its service principal in tenant ${ctx.tenantId} ${roleGrant()}`;
}

/** The data action a Key Vault RBAC denial names (`Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'`), if any. */
export function deniedDataAction(message: string): string | undefined {
  return /Action: '(Microsoft\.KeyVault\/[A-Za-z]+(?:\/[A-Za-z]+){1,4})'/.exec(message)?.[1];
}

function make(kind: CustomerKeyErrorKind, ctx: AzureErrorContext, message: string): CustomerKeyError {
  return new CustomerKeyError(kind, ctx.action, message);
}

function accessDenied(ctx: AzureErrorContext, p: AzureErrorParts): CustomerKeyError {
  const { action, keyId } = ctx;
  if (p.innerCode === "ForbiddenByFirewall" || /Client address is not authorized/i.test(p.message)) {
    return make(
      "access-denied",
      ctx,
      `${action} refused by the network rules of vault ${hostOf(ctx.vaultUrl)}: the platform's address is not allowed — ` +
        "allow the platform's egress addresses in the vault's firewall (properties.networkAcls) or its private endpoint; the platform must be able to reach the vault",
    );
  }
  if (p.innerCode === "ForbiddenByPolicy" || p.innerCode === "AccessDenied" || /does not have keys \w+ permission|access polic/i.test(p.message)) {
    return make(
      "access-denied",
      ctx,
      `${action} denied on key ${keyId}: the vault uses access policies and ${principalOf(ctx)} lacks the key permission ${ACCESS_POLICY_PERMISSION[action]} — ` +
        `switch the vault to Azure RBAC (properties.enableRbacAuthorization = true) and ${roleFix(ctx)}`,
    );
  }
  const missing = deniedDataAction(p.message) ?? REQUIRED_DATA_ACTION[action];
  return make("access-denied", ctx, `${action} denied on key ${keyId} for ${principalOf(ctx)}: it lacks ${missing} — ${roleFix(ctx)}`);
}

/** MSAL's error under `@azure/identity`'s (its `cause`): the OAuth error and the AADSTS text. */
interface MsalErrorLike {
  readonly name?: unknown;
  readonly errorCode?: unknown;
  readonly errorMessage?: unknown;
  readonly errorNo?: unknown;
}

function msalCause(err: AzureErrorLike): MsalErrorLike | undefined {
  const cause = err.cause as MsalErrorLike | undefined;
  return typeof cause === "object" && cause !== null && cause.name === "ServerError" ? cause : undefined;
}

/** An Entra ID refusal: `AuthenticationError` (identity's own token requests) or `AuthenticationRequiredError` over MSAL's `ServerError` (ClientSecretCredential). */
function isEntraRefusal(err: AzureErrorLike, p: AzureErrorParts): boolean {
  return p.name === "AuthenticationError" || msalCause(err) !== undefined;
}

function entraCodes(err: AzureErrorLike): string[] {
  const codes = new Set<string>();
  const res = err.errorResponse;
  const cause = msalCause(err);
  if (Array.isArray(res?.errorCodes)) for (const c of res.errorCodes) if (typeof c === "number" || typeof c === "string") codes.add(`AADSTS${c}`);
  if ((typeof cause?.errorNo === "string" || typeof cause?.errorNo === "number") && /^\d+$/.test(String(cause.errorNo))) codes.add(`AADSTS${cause.errorNo}`);
  for (const text of [res?.errorDescription, cause?.errorMessage, err.message]) {
    if (typeof text === "string") for (const m of text.matchAll(/AADSTS\d+/g)) codes.add(m[0]);
  }
  return [...codes];
}

/** Entra ID refused to issue the platform a token. */
function entraRefused(ctx: AzureErrorContext, err: AzureErrorLike): CustomerKeyError {
  const codes = entraCodes(err);
  const cause = msalCause(err);
  const error = safeCode(err.errorResponse?.error) ?? safeCode(cause?.errorCode) ?? "unknown_error";
  const has = (c: string) => codes.includes(c);
  const app = ctx.clientId ?? "<the platform's application ID>";
  if (has("AADSTS700016")) {
    return make(
      "access-denied",
      ctx,
      `${ctx.action} failed: the platform's application ${app} has no service principal in tenant ${ctx.tenantId} (AADSTS700016) — ` +
        `an administrator of that tenant must add it (az ad sp create --id ${app}), then assign that service principal ${roleGrant()}`,
    );
  }
  if (has("AADSTS90002") || has("AADSTS900023") || has("AADSTS90072")) {
    const code = codes.find((c) => ["AADSTS90002", "AADSTS900023", "AADSTS90072"].includes(c));
    return make(
      "not-found",
      ctx,
      `${ctx.action} failed: Microsoft Entra ID does not know tenant ${ctx.tenantId} (${code}) — register the tenant ID of the vault's directory (az account show --query tenantId)`,
    );
  }
  if (has("AADSTS7000215") || has("AADSTS7000222") || error === "invalid_client" || error === "unauthorized_client") {
    const code = codes.find((c) => c === "AADSTS7000215" || c === "AADSTS7000222") ?? error;
    return make(
      "unavailable",
      ctx,
      `${ctx.action} failed: Microsoft Entra ID rejected the platform's own application credentials (${code}) — ` +
        "fix the platform's client secret (EKM_AZURE_CLIENT_SECRET); the customer's configuration is not at fault",
    );
  }
  const code = codes[0] ?? error;
  return make(
    "unavailable",
    ctx,
    `${ctx.action} failed: Microsoft Entra ID refused a token for tenant ${ctx.tenantId} (${code}) — retry later; if it persists, check the platform's application registration`,
  );
}

function isTimeout(err: AzureErrorLike, p: AzureErrorParts): boolean {
  if (p.name === "AbortError" || p.name === "TimeoutError" || p.code === "ETIMEDOUT" || p.code === "ESOCKETTIMEDOUT") return true;
  const cause = err.cause as AzureErrorLike | undefined;
  return typeof cause === "object" && cause !== null && (cause.name === "TimeoutError" || cause.name === "AbortError");
}

/**
 * Maps an error thrown by an Azure SDK call (or by the network, or by the credential, under it) to a
 * `CustomerKeyError`. A `CustomerKeyError` passes through unchanged.
 *
 * Kinds: 401/403 Forbidden (RBAC, access policy, firewall) → access-denied; 403 KeyDisabled →
 * disabled; 403 KeyExpired → expired; 403 KeyOperationForbidden, KeyNotYetValid and 400 BadParameter
 * → invalid-key (disabled/expired when the message says so); 404 → not-found; 429, 5xx, network and
 * TLS errors → unavailable; abort and socket timeouts → timeout. Entra ID (identity's AuthenticationError,
 * or AuthenticationRequiredError over MSAL's ServerError, which ClientSecretCredential throws): AADSTS700016 (no service
 * principal in the tenant) and a challenge from another tenant → access-denied; unknown tenant →
 * not-found; rejected platform secret → unavailable. Anything else is unavailable, with its code.
 */
export function mapAzureError(err: unknown, ctx: AzureErrorContext): CustomerKeyError {
  if (err instanceof CustomerKeyError) return err;
  const e: AzureErrorLike = typeof err === "object" && err !== null ? (err as AzureErrorLike) : {};
  const p = azureErrorParts(err);
  const { action, keyId } = ctx;
  const host = hostOf(ctx.vaultUrl);

  if (isTimeout(e, p)) {
    return make("timeout", ctx, `${action} timed out after ${ctx.timeoutMs} ms: vault ${host} did not answer — retry later`);
  }
  if (isEntraRefusal(e, p)) return entraRefused(ctx, e);
  if (p.name === "CredentialUnavailableError") {
    const other = /acquire tokens for tenant ([0-9a-fA-F-]{36})/.exec(p.message)?.[1];
    if (other !== undefined) {
      return make(
        "access-denied",
        ctx,
        `${action} failed: vault ${host} belongs to tenant ${other} (its authentication challenge names it), but the configuration names tenant ${ctx.tenantId} — ` +
          `register the vault's tenant ID (azure.tenantId = ${other})`,
      );
    }
    return make(
      "unavailable",
      ctx,
      `${action} failed: the platform has no usable Azure credential — set the platform's application ID (EKM_AZURE_CLIENT_ID or --azure-client-id) and its client secret (EKM_AZURE_CLIENT_SECRET)`,
    );
  }
  if (/challenge resource .* does not match the requested domain/i.test(p.message)) {
    return make(
      "invalid-key",
      ctx,
      `${action} failed: ${host} answered with an authentication challenge for a resource its host is not under, so it is not an Azure Key Vault — ` +
        `register the vault's "Vault URI" (https://<vault-name>.vault.azure.net/)`,
    );
  }
  // The SDK's own client-side checks of a key it fetched (the platform's remote-only clients avoid them).
  if (/ expired at /.test(p.message) && /^Key /.test(p.message)) {
    return make("expired", ctx, `${action} failed: key ${keyId} has expired — rotate the key, or set a later expiry: ${setAttributesCommand(ctx, "--expires <date>")}`);
  }
  if (/can't be used before/.test(p.message)) {
    return make("invalid-key", ctx, `${action} failed: key ${keyId} is not valid yet (nbf) — wait, or set an earlier not-before: ${setAttributesCommand(ctx, "--not-before <now>")}`);
  }

  const status = p.status;
  const disabled = p.innerCode === "KeyDisabled" || /disabled key/i.test(p.message);
  const expired = p.innerCode === "KeyExpired" || /expired key/i.test(p.message);
  if ((status === 403 || status === 400) && disabled) {
    return make("disabled", ctx, `${action} failed: key ${keyId} is disabled — enable it: ${setAttributesCommand(ctx, "--enabled true")}`);
  }
  if ((status === 403 || status === 400) && expired) {
    return make("expired", ctx, `${action} failed: key ${keyId} has expired — rotate the key, or set a later expiry: ${setAttributesCommand(ctx, "--expires <date>")}`);
  }
  if ((status === 403 || status === 400) && (p.innerCode === "KeyNotYetValid" || /not yet valid/i.test(p.message))) {
    return make("invalid-key", ctx, `${action} failed: key ${keyId} is not valid yet (nbf) — wait, or set an earlier not-before: ${setAttributesCommand(ctx, "--not-before <now>")}`);
  }
  if ((status === 403 || status === 400) && (p.innerCode === "KeyOperationForbidden" || /is not permitted on this key|Unsupported key operation/i.test(p.message))) {
    return make(
      "invalid-key",
      ctx,
      `${action} failed: key ${keyId} does not allow the operation ${ACCESS_POLICY_PERMISSION[action]} — its key operations must include wrapKey and unwrapKey: ` +
        setAttributesCommand(ctx, "--ops wrapKey unwrapKey encrypt decrypt"),
    );
  }
  if (status === 401) {
    return make(
      "access-denied",
      ctx,
      `${action} failed: vault ${host} rejected the platform's token (${p.code ?? "Unauthorized"}) — check that the vault belongs to tenant ${ctx.tenantId}`,
    );
  }
  if (status === 403) return accessDenied(ctx, p);
  if (status === 404) {
    const { name, version } = keyIdParts(keyId);
    return make(
      "not-found",
      ctx,
      `${action} failed: key ${name}${version ? ` version ${version}` : ""} was not found in vault ${host} (${p.code ?? "NotFound"}) — check azure.keyName` +
        `${version ? " and azure.keyVersion" : ""}; a deleted key can be recovered while soft-deleted: az keyvault key recover --vault-name ${vaultNameOf(ctx.vaultUrl)} --name ${name}`,
    );
  }
  if (status === 400) {
    if (action === "keyvault:UnwrapKey") {
      return make(
        "invalid-key",
        ctx,
        `${action} rejected the wrapped data key under ${keyId} (${p.code ?? "BadParameter"}) — it was not wrapped by this key version with RSA-OAEP-256, or it is corrupt`,
      );
    }
    return make(
      "invalid-key",
      ctx,
      `${action} failed: key ${keyId} cannot wrap data keys with RSA-OAEP-256 (${p.code ?? "BadParameter"}) — the platform needs an RSA or RSA-HSM key of 2048 bits or more with key operations wrapKey and unwrapKey`,
    );
  }
  if (status === 429) return make("unavailable", ctx, `${action} was throttled by vault ${host} (429) — retry later`);
  if (status !== undefined && status >= 500) {
    return make("unavailable", ctx, `${action} failed: vault ${host} is unavailable (${status}${p.code ? ` ${p.code}` : ""}) — retry later`);
  }
  if (p.code !== undefined && TLS_ERRORS.has(p.code)) {
    return make(
      "unavailable",
      ctx,
      `${action} failed: the TLS certificate of ${host} is not trusted (${p.code}) — Key Vault's certificates chain to public roots, so something on the network path replaced it (a TLS-inspecting proxy?); a test vault needs its CA (--azure-ca-file, or caCertPem)`,
    );
  }
  if (p.code !== undefined && NETWORK_ERRORS.has(p.code)) {
    // The code (refused, reset, unknown name) tells open, closed and unresolvable hosts apart: an
    // oracle about the network the platform sits in, so it goes to the operator's log only.
    ctx.onOperatorDetail?.(`${action} to ${host}: ${p.code}`);
    return make(
      "unavailable",
      ctx,
      `${action} could not reach the vault ${host} — check the vault URL, the vault's network ACLs (firewall rules) and private endpoints: the vault must accept connections from the platform`,
    );
  }
  if (status !== undefined) return make("unavailable", ctx, `${action} failed: vault ${host} answered ${status}${p.code ? ` ${p.code}` : ""}`);
  return make("unavailable", ctx, `${action} failed: ${p.code ?? (p.name === "Error" ? "unknown error" : p.name)}`);
}
