// mapAzureError: every Azure failure the platform meets becomes a CustomerKeyError with a kind and an exact, actionable message.
import { expect } from "chai";
import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from "@azure/identity";
import { deniedDataAction, keyIdParts, mapAzureError, type AzureAction, type AzureErrorContext } from "../../../../platform/customer-keys/azure/errors";
import { CustomerKeyError, type CustomerKeyErrorKind } from "../../../../platform/customer-keys/types";

const VAULT = "https://contoso-byok.vault.azure.net/";
const KEY = `${VAULT}keys/ekm-key/0123456789abcdef0123456789abcdef`;
const VERSIONLESS = `${VAULT}keys/ekm-key`;
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP = "11111111-2222-3333-4444-555555555555";
const SET_ATTRIBUTES = "az keyvault key set-attributes --vault-name contoso-byok --name ekm-key --version 0123456789abcdef0123456789abcdef";
const GRANT =
  'the role "Key Vault Crypto Service Encryption User" (e147488a-f6f5-4113-8e2d-b22465e65bf6) on the key, or a custom role with the dataActions ' +
  "Microsoft.KeyVault/vaults/keys/read, Microsoft.KeyVault/vaults/keys/wrap/action, Microsoft.KeyVault/vaults/keys/unwrap/action, " +
  "Microsoft.KeyVault/vaults/keys/encrypt/action, Microsoft.KeyVault/vaults/keys/decrypt/action (role assignments can take a few minutes to apply)";

function ctx(action: AzureAction, extra: Partial<AzureErrorContext> = {}): AzureErrorContext {
  return { action, accountId: "acct-42", vaultUrl: VAULT, keyId: KEY, tenantId: TENANT, clientId: APP, timeoutMs: 2000, ...extra };
}

/** A Key Vault error as the SDK builds it from the wire: RestError with statusCode, code and the deserialized body in `details`. */
function kvError(statusCode: number, code: string, message: string, innerCode?: string): Error {
  return Object.assign(new Error(message), {
    name: "RestError",
    statusCode,
    code,
    details: { error: { code, message, innerError: innerCode ? { code: innerCode } : undefined } },
  });
}

/** A network error as the SDK's Node HTTP client reports it: RestError with Node's code and no status. */
function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: "RestError", code });
}

/**
 * What ClientSecretCredential (@azure/identity 4.14 over MSAL) really throws when Entra ID refuses:
 * AuthenticationRequiredError whose cause is MSAL's ServerError (seen against the fake Entra ID).
 */
function msalRefusal(error: string, code: number, description: string): Error {
  const text = `Error(s): ${code} - Timestamp: 2026-06-01T00:00:00Z - Description: AADSTS${code}: ${description} - Correlation ID: c0ffee00-0000-4000-8000-000000000000`;
  const cause = Object.assign(new Error(text), { name: "ServerError", errorCode: error, errorMessage: text, errorNo: String(code), status: 400 });
  return new AuthenticationRequiredError({ scopes: ["https://vault.azure.net/.default"], message: `${error}: ${text}`, cause });
}

/** Entra ID's answer to a token request, through @azure/identity's own error class. */
function entraError(status: number, error: string, code: number, description: string): Error {
  return new AuthenticationError(status, { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] });
}

const RBAC_WRAP =
  "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n" +
  `Caller: appid=${APP};oid=0f0e0d0c-0b0a-4909-8807-060504030201;iss=https://sts.windows.net/${TENANT}/\r\n` +
  "Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'\r\nResource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.keyvault/vaults/contoso-byok/keys/ekm-key'\r\n" +
  "Assignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: contoso-byok;location=westeurope\r\n";

interface Case {
  readonly when: string;
  readonly err: unknown;
  readonly ctx: AzureErrorContext;
  readonly kind: CustomerKeyErrorKind;
  readonly message: string;
}

const cases: Case[] = [
  {
    when: "RBAC denies wrap and the vault names the data action",
    err: kvError(403, "Forbidden", RBAC_WRAP, "ForbiddenByRbac"),
    ctx: ctx("keyvault:WrapKey"),
    kind: "access-denied",
    message: `keyvault:WrapKey denied on key ${KEY} for the platform's application ${APP}: it lacks Microsoft.KeyVault/vaults/keys/wrap/action — assign its service principal in tenant ${TENANT} ${GRANT}`,
  },
  {
    when: "a 403 names no data action and the platform's application ID is not configured",
    err: kvError(403, "Forbidden", "Caller is not authorized to perform action on resource.", "ForbiddenByRbac"),
    ctx: ctx("keyvault:GetKey", { clientId: undefined, keyId: VERSIONLESS }),
    kind: "access-denied",
    message:
      `keyvault:GetKey denied on key ${VERSIONLESS} for the platform's application (its ID: GET /v1/accounts/acct-42/key-management/trust): ` +
      `it lacks Microsoft.KeyVault/vaults/keys/read — assign its service principal in tenant ${TENANT} ${GRANT}`,
  },
  {
    when: "the vault still uses access policies",
    err: kvError(403, "Forbidden", `The user, group or application 'appid=${APP};oid=x' does not have keys unwrapKey permission on key vault 'contoso-byok;location=westeurope'.`, "AccessDenied"),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "access-denied",
    message:
      `keyvault:UnwrapKey denied on key ${KEY}: the vault uses access policies and the platform's application ${APP} lacks the key permission unwrapKey — ` +
      `switch the vault to Azure RBAC (properties.enableRbacAuthorization = true) and assign its service principal in tenant ${TENANT} ${GRANT}`,
  },
  {
    when: "the vault's firewall refuses the platform's address",
    err: kvError(403, "Forbidden", "Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7", "ForbiddenByFirewall"),
    ctx: ctx("keyvault:GetKey"),
    kind: "access-denied",
    message:
      "keyvault:GetKey refused by the network rules of vault contoso-byok.vault.azure.net: the platform's address is not allowed — allow the platform's egress addresses " +
      "in the vault's firewall (properties.networkAcls) or its private endpoint; the platform must be able to reach the vault",
  },
  {
    when: "unwrap meets a disabled key (403 KeyDisabled)",
    err: kvError(403, "Forbidden", "Operation unwrapKey is not allowed on a disabled key.", "KeyDisabled"),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "disabled",
    message: `keyvault:UnwrapKey failed: key ${KEY} is disabled — enable it: ${SET_ATTRIBUTES} --enabled true`,
  },
  {
    when: "wrap meets an expired key (403 KeyExpired)",
    err: kvError(403, "Forbidden", "Operation wrapKey is not allowed on an expired key.", "KeyExpired"),
    ctx: ctx("keyvault:WrapKey"),
    kind: "expired",
    message: `keyvault:WrapKey failed: key ${KEY} has expired — rotate the key, or set a later expiry: ${SET_ATTRIBUTES} --expires <date>`,
  },
  {
    when: "wrap meets a key before its nbf (403 KeyNotYetValid)",
    err: kvError(403, "Forbidden", "Operation wrapKey is not allowed on a key that is not yet valid.", "KeyNotYetValid"),
    ctx: ctx("keyvault:WrapKey"),
    kind: "invalid-key",
    message: `keyvault:WrapKey failed: key ${KEY} is not valid yet (nbf) — wait, or set an earlier not-before: ${SET_ATTRIBUTES} --not-before <now>`,
  },
  {
    when: "the key's key_ops do not allow the operation (403 KeyOperationForbidden)",
    err: kvError(403, "Forbidden", "Operation wrapKey is not permitted on this key.", "KeyOperationForbidden"),
    ctx: ctx("keyvault:WrapKey"),
    kind: "invalid-key",
    message: `keyvault:WrapKey failed: key ${KEY} does not allow the operation wrapKey — its key operations must include wrapKey and unwrapKey: ${SET_ATTRIBUTES} --ops wrapKey unwrapKey encrypt decrypt`,
  },
  {
    when: "the key version does not exist (404 KeyNotFound)",
    err: kvError(404, "KeyNotFound", "A key with (name/id) ekm-key/0123456789abcdef0123456789abcdef was not found in this key vault."),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "not-found",
    message:
      "keyvault:UnwrapKey failed: key ekm-key version 0123456789abcdef0123456789abcdef was not found in vault contoso-byok.vault.azure.net (KeyNotFound) — " +
      "check azure.keyName and azure.keyVersion; a deleted key can be recovered while soft-deleted: az keyvault key recover --vault-name contoso-byok --name ekm-key",
  },
  {
    when: "a versionless key does not exist",
    err: kvError(404, "KeyNotFound", "A key with (name/id) ekm-key was not found in this key vault."),
    ctx: ctx("keyvault:GetKey", { keyId: VERSIONLESS }),
    kind: "not-found",
    message:
      "keyvault:GetKey failed: key ekm-key was not found in vault contoso-byok.vault.azure.net (KeyNotFound) — check azure.keyName; " +
      "a deleted key can be recovered while soft-deleted: az keyvault key recover --vault-name contoso-byok --name ekm-key",
  },
  {
    when: "unwrap gets a wrapped key that this version did not wrap (400 BadParameter)",
    err: kvError(400, "BadParameter", "The parameter is incorrect."),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "invalid-key",
    message: `keyvault:UnwrapKey rejected the wrapped data key under ${KEY} (BadParameter) — it was not wrapped by this key version with RSA-OAEP-256, or it is corrupt`,
  },
  {
    when: "wrap is asked of a key that cannot do RSA-OAEP-256 (400 BadParameter)",
    err: kvError(400, "BadParameter", "Algorithm RSA-OAEP-256 is not supported for key type EC."),
    ctx: ctx("keyvault:WrapKey"),
    kind: "invalid-key",
    message:
      `keyvault:WrapKey failed: key ${KEY} cannot wrap data keys with RSA-OAEP-256 (BadParameter) — ` +
      "the platform needs an RSA or RSA-HSM key of 2048 bits or more with key operations wrapKey and unwrapKey",
  },
  {
    when: "the vault rejects the token (401 after the challenge)",
    err: kvError(401, "Unauthorized", "AKV10032: Invalid issuer."),
    ctx: ctx("keyvault:GetKey"),
    kind: "access-denied",
    message: `keyvault:GetKey failed: vault contoso-byok.vault.azure.net rejected the platform's token (Unauthorized) — check that the vault belongs to tenant ${TENANT}`,
  },
  {
    when: "the vault throttles (429)",
    err: kvError(429, "Throttled", "Operations per second exceeded."),
    ctx: ctx("keyvault:WrapKey"),
    kind: "unavailable",
    message: "keyvault:WrapKey was throttled by vault contoso-byok.vault.azure.net (429) — retry later",
  },
  {
    when: "the vault is unavailable (503)",
    err: kvError(503, "ServiceUnavailable", "The service is temporarily unavailable."),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message: "keyvault:GetKey failed: vault contoso-byok.vault.azure.net is unavailable (503 ServiceUnavailable) — retry later",
  },
  {
    when: "the vault fails (500)",
    err: kvError(500, "InternalServerError", "boom"),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "unavailable",
    message: "keyvault:UnwrapKey failed: vault contoso-byok.vault.azure.net is unavailable (500 InternalServerError) — retry later",
  },
  {
    when: "the vault answers an unexpected status",
    err: kvError(409, "Conflict", "conflict"),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message: "keyvault:GetKey failed: vault contoso-byok.vault.azure.net answered 409 Conflict",
  },
  {
    when: "the connection is refused",
    err: networkError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:443"),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message: "keyvault:GetKey could not reach the vault contoso-byok.vault.azure.net — check the vault URL, the vault's network ACLs (firewall rules) and private endpoints: the vault must accept connections from the platform",
  },
  {
    when: "the vault host does not resolve",
    err: networkError("ENOTFOUND", "getaddrinfo ENOTFOUND contoso-byok.vault.azure.net"),
    ctx: ctx("keyvault:WrapKey"),
    kind: "unavailable",
    message: "keyvault:WrapKey could not reach the vault contoso-byok.vault.azure.net — check the vault URL, the vault's network ACLs (firewall rules) and private endpoints: the vault must accept connections from the platform",
  },
  {
    when: "the vault's TLS certificate is not trusted",
    err: networkError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message:
      "keyvault:GetKey failed: the TLS certificate of contoso-byok.vault.azure.net is not trusted (SELF_SIGNED_CERT_IN_CHAIN) — Key Vault's certificates chain to public roots, " +
      "so something on the network path replaced it (a TLS-inspecting proxy?); a test vault needs its CA (--azure-ca-file, or caCertPem)",
  },
  {
    when: "the pipeline is aborted (AbortError)",
    err: Object.assign(new Error("The operation was aborted."), { name: "AbortError" }),
    ctx: ctx("keyvault:WrapKey"),
    kind: "timeout",
    message: "keyvault:WrapKey timed out after 2000 ms: vault contoso-byok.vault.azure.net did not answer — retry later",
  },
  {
    when: "the platform's own deadline fires (TimeoutError)",
    err: Object.assign(new Error("deadline of 2000 ms exceeded"), { name: "TimeoutError" }),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "timeout",
    message: "keyvault:UnwrapKey timed out after 2000 ms: vault contoso-byok.vault.azure.net did not answer — retry later",
  },
  {
    when: "Entra ID rejects the platform's client secret (AADSTS7000215)",
    err: entraError(401, "invalid_client", 7000215, "Invalid client secret provided."),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message:
      "keyvault:GetKey failed: Microsoft Entra ID rejected the platform's own application credentials (AADSTS7000215) — fix the platform's client secret (EKM_AZURE_CLIENT_SECRET); " +
      "the customer's configuration is not at fault",
  },
  {
    when: "the customer's tenant has no service principal of the platform's application (AADSTS700016)",
    err: entraError(400, "unauthorized_client", 700016, `Application with identifier '${APP}' was not found in the directory '${TENANT}'.`),
    ctx: ctx("keyvault:GetKey"),
    kind: "access-denied",
    message:
      `keyvault:GetKey failed: the platform's application ${APP} has no service principal in tenant ${TENANT} (AADSTS700016) — ` +
      `an administrator of that tenant must add it (az ad sp create --id ${APP}), then assign that service principal ${GRANT}`,
  },
  {
    when: "ClientSecretCredential's MSAL reports a rejected client secret (AuthenticationRequiredError over ServerError)",
    err: msalRefusal("invalid_client", 7000215, "Invalid client secret provided."),
    ctx: ctx("keyvault:WrapKey"),
    kind: "unavailable",
    message:
      "keyvault:WrapKey failed: Microsoft Entra ID rejected the platform's own application credentials (AADSTS7000215) — fix the platform's client secret (EKM_AZURE_CLIENT_SECRET); " +
      "the customer's configuration is not at fault",
  },
  {
    when: "ClientSecretCredential's MSAL reports no service principal in the tenant",
    err: msalRefusal("unauthorized_client", 700016, `Application with identifier '${APP}' was not found in the directory '${TENANT}'.`),
    ctx: ctx("keyvault:GetKey"),
    kind: "access-denied",
    message:
      `keyvault:GetKey failed: the platform's application ${APP} has no service principal in tenant ${TENANT} (AADSTS700016) — ` +
      `an administrator of that tenant must add it (az ad sp create --id ${APP}), then assign that service principal ${GRANT}`,
  },
  {
    when: "the tenant does not exist (AADSTS90002)",
    err: entraError(400, "invalid_request", 90002, `Tenant '${TENANT}' not found.`),
    ctx: ctx("keyvault:GetKey"),
    kind: "not-found",
    message: `keyvault:GetKey failed: Microsoft Entra ID does not know tenant ${TENANT} (AADSTS90002) — register the tenant ID of the vault's directory (az account show --query tenantId)`,
  },
  {
    when: "Entra ID refuses for another reason",
    err: entraError(400, "invalid_scope", 70011, "The provided value for scope is not valid."),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message: `keyvault:GetKey failed: Microsoft Entra ID refused a token for tenant ${TENANT} (AADSTS70011) — retry later; if it persists, check the platform's application registration`,
  },
  {
    when: "the vault's challenge names another tenant than the configuration (@azure/identity's multi-tenant check)",
    err: new CredentialUnavailableError(
      "The current credential is not configured to acquire tokens for tenant 0b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9. To enable acquiring tokens for this tenant add it to the " +
        'AdditionallyAllowedTenants on the credential options, or add "*" to AdditionallyAllowedTenants to allow acquiring tokens for any tenant.',
    ),
    ctx: ctx("keyvault:GetKey"),
    kind: "access-denied",
    message:
      "keyvault:GetKey failed: vault contoso-byok.vault.azure.net belongs to tenant 0b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9 (its authentication challenge names it), " +
      `but the configuration names tenant ${TENANT} — register the vault's tenant ID (azure.tenantId = 0b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9)`,
  },
  {
    when: "the credential is unusable",
    err: new CredentialUnavailableError("ClientSecretCredential: tenantId, clientId, and clientSecret are required parameters."),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message:
      "keyvault:GetKey failed: the platform has no usable Azure credential — set the platform's application ID (EKM_AZURE_CLIENT_ID or --azure-client-id) " +
      "and its client secret (EKM_AZURE_CLIENT_SECRET)",
  },
  {
    when: "the host's challenge names a resource it is not under (not a Key Vault)",
    err: new Error(
      "The challenge resource 'vault.azure.net' does not match the requested domain. Set disableChallengeResourceVerification to true in your client options to disable. See https://aka.ms/azsdk/blog/vault-uri for more information.",
    ),
    ctx: ctx("keyvault:GetKey"),
    kind: "invalid-key",
    message:
      "keyvault:GetKey failed: contoso-byok.vault.azure.net answered with an authentication challenge for a resource its host is not under, so it is not an Azure Key Vault — " +
      'register the vault\'s "Vault URI" (https://<vault-name>.vault.azure.net/)',
  },
  {
    when: "the SDK's client-side check finds an expired key",
    err: new Error(`Key ${KEY} expired at 2026-01-01T00:00:00.000Z`),
    ctx: ctx("keyvault:UnwrapKey"),
    kind: "expired",
    message: `keyvault:UnwrapKey failed: key ${KEY} has expired — rotate the key, or set a later expiry: ${SET_ATTRIBUTES} --expires <date>`,
  },
  {
    when: "an unknown error carries only a code",
    err: networkError("EWEIRD", "weird"),
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message: "keyvault:GetKey failed: EWEIRD",
  },
  {
    when: "something that is not an Error is thrown",
    err: "boom",
    ctx: ctx("keyvault:GetKey"),
    kind: "unavailable",
    message: "keyvault:GetKey failed: unknown error",
  },
];

describe("mapAzureError", () => {
  for (const c of cases) {
    it(`maps to ${c.kind} when ${c.when}`, () => {
      const mapped = mapAzureError(c.err, c.ctx);
      expect(mapped).to.be.instanceOf(CustomerKeyError);
      expect(mapped.kind).to.equal(c.kind);
      expect(mapped.action).to.equal(c.ctx.action);
      expect(mapped.message).to.equal(c.message);
    });
  }

  it("quotes no server-given code that is not a plain identifier", () => {
    const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ2YXVsdCJ9.c2ln";
    const mapped = mapAzureError(kvError(409, `Bearer ${TOKEN}`, "echo"), ctx("keyvault:GetKey"));
    expect(mapped.message).to.equal("keyvault:GetKey failed: vault contoso-byok.vault.azure.net answered 409 UnrecognizedCode");
  });

  it("passes a CustomerKeyError through unchanged", () => {
    const original = new CustomerKeyError("disabled", "keyvault:WrapKey", "already mapped");
    expect(mapAzureError(original, ctx("keyvault:WrapKey"))).to.equal(original);
  });

  it("never puts a client secret or a token from the error into the message", () => {
    const SECRET = "Zq8~secret.value_0123456789abcdefXYZ";
    const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2lnbmF0dXJl";
    const leaky = `client_secret=${SECRET}&assertion=x Authorization: Bearer ${TOKEN}`;
    let checked = 0;
    for (const c of cases) {
      if (typeof c.err !== "object" || c.err === null) continue;
      const e = c.err as Error & { details?: { error?: { message?: string } }; errorResponse?: { errorDescription?: string }; cause?: { errorMessage?: string } };
      // The same error, its texts carrying a secret and a token (as a careless server or proxy might echo them).
      const poisoned = Object.assign(Object.create(Object.getPrototypeOf(e)) as object, e, {
        message: `${e.message} ${leaky}`,
        details: e.details ? { error: { ...e.details.error, message: `${e.details.error?.message} ${leaky}` } } : undefined,
        errorResponse: e.errorResponse ? { ...e.errorResponse, errorDescription: `${e.errorResponse.errorDescription} ${leaky}` } : undefined,
        cause: e.cause ? { ...e.cause, errorMessage: `${e.cause.errorMessage} ${leaky}` } : undefined,
      });
      const message = mapAzureError(poisoned, c.ctx).message;
      expect(message, c.when).not.to.contain(SECRET);
      expect(message, c.when).not.to.contain(TOKEN);
      expect(message, c.when).to.equal(c.message);
      checked++;
    }
    expect(checked).to.be.greaterThan(25);
  });
});

describe("deniedDataAction", () => {
  const cases: [string, string | undefined][] = [
    [RBAC_WRAP, "Microsoft.KeyVault/vaults/keys/wrap/action"],
    ["Action: 'Microsoft.KeyVault/vaults/keys/read'\r\n", "Microsoft.KeyVault/vaults/keys/read"],
    ["Action: 'Microsoft.KeyVault/vaults/keys/read secret=abc'", undefined],
    ["Action: 'Microsoft.Storage/storageAccounts/read'", undefined],
    ["no action here", undefined],
  ];
  for (const [message, action] of cases) {
    it(`reads ${action ?? "nothing"} from ${JSON.stringify(message.slice(0, 40))}`, () => {
      expect(deniedDataAction(message)).to.equal(action);
    });
  }
});

describe("keyIdParts", () => {
  it("reads the name and version of a versioned key id", () => {
    expect(keyIdParts(KEY)).to.deep.equal({ name: "ekm-key", version: "0123456789abcdef0123456789abcdef" });
  });
  it("reads only the name of a versionless key id", () => {
    expect(keyIdParts(VERSIONLESS)).to.deep.equal({ name: "ekm-key", version: undefined });
  });
});
