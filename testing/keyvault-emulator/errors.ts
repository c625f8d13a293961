/**
 * Key Vault's error answers: `{"error": {"code", "message", "innererror": {"code"}}}` (the
 * `KeyVaultError` schema of the keys REST spec), with the status, codes and texts the service uses.
 * Texts quoted from recorded real responses say so; the others name where the behaviour comes from.
 */
import type { KeyDataAction } from "./facts";

/** An answer the emulator sends: status, JSON body (none for 204) and extra headers. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A Key Vault error answer. */
export function kvError(status: number, code: string, message: string, innerCode?: string, headers?: Record<string, string>): Answer {
  return { status, body: { error: { code, message, ...(innerCode === undefined ? {} : { innererror: { code: innerCode } }) } }, headers };
}

/** 401 without a token: the recorded text of service versions 1.9.3070 and later. */
export function missingToken(challenge: string): Answer {
  return kvError(401, "Unauthorized", "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.", undefined, { "WWW-Authenticate": challenge });
}

/** 401 for a token the vault does not accept (reported texts: AKV10032 for a foreign tenant, AKV10022 for another audience). */
export function badToken(challenge: string, message: string): Answer {
  return kvError(401, "Unauthorized", message, undefined, { "WWW-Authenticate": challenge });
}

/** 404 KeyNotFound, the recorded text. */
export function keyNotFound(nameOrId: string): Answer {
  return kvError(
    404,
    "KeyNotFound",
    `A key with (name/id) ${nameOrId} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

/** 404 for a deleted key that is not there, the recorded text. */
export function deletedKeyNotFound(name: string): Answer {
  return kvError(404, "KeyNotFound", `Deleted Key not found: ${name}`);
}

/** 400 BadParameter. */
export function badParameter(message: string): Answer {
  return kvError(400, "BadParameter", message);
}

/**
 * 403 ForbiddenByRbac, in the shape live vaults answer (reported verbatim in
 * https://github.com/hashicorp/terraform-provider-azurerm/issues/27817 and
 * https://github.com/microsoft/aspire/issues/2610): the caller, the data action, the resource.
 */
export function forbiddenByRbac(p: { appId: string; objectId: string; tenantId: string; action: KeyDataAction; vault: string; key?: string }): Answer {
  const resource = `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/microsoft.keyvault/vaults/${p.vault}${p.key === undefined ? "" : `/keys/${p.key.toLowerCase()}`}`;
  return kvError(
    403,
    "Forbidden",
    "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n" +
      `Caller: appid=${p.appId};oid=${p.objectId};iss=https://sts.windows.net/${p.tenantId}/\r\n` +
      `Action: '${p.action}'\r\nResource: '${resource}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${p.vault};location=local\r\n`,
    "ForbiddenByRbac",
  );
}

/**
 * 403 KeyDisabled. Reported from a live vault for unwrapKey, decrypt and sign (wrapKey, encrypt and
 * verify still work): https://github.com/Azure/azure-sdk-for-python/issues/45342.
 */
export function keyDisabled(operation: string): Answer {
  return kvError(403, "Forbidden", `Operation ${operation} is not allowed on a disabled key.`, "KeyDisabled");
}

/**
 * 403 when `key_ops` lacks the operation. The text follows the service's `Operation X is not
 * allowed …` family; no recording shows it.
 */
export function operationNotPermitted(operation: string): Answer {
  return kvError(403, "Forbidden", `Operation ${operation} is not permitted on this key.`, "KeyOperationForbidden");
}

/**
 * 403 outside the nbf/exp window. "Not-yet-valid and expired keys, outside the nbf / exp window,
 * will work for decrypt, unwrap, and verify operations" and not for encrypt, wrap and sign
 * (Date-time controlled operations, https://learn.microsoft.com/azure/key-vault/keys/about-keys-details).
 * The codes are not documented; these are the ones the platform classifies.
 */
export function outsideValidity(operation: string, expired: boolean): Answer {
  return expired
    ? kvError(403, "Forbidden", `Operation ${operation} is not allowed on an expired key.`, "KeyExpired")
    : kvError(403, "Forbidden", `Operation ${operation} is not allowed on a key that is not yet valid.`, "KeyNotYetValid");
}

/**
 * 409 for a name held by a soft-deleted key, in the service's wording for deleted objects
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview#key-vault-recovery).
 */
export function deletedButRecoverable(name: string): Answer {
  return kvError(
    409,
    "Conflict",
    `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`,
    "ObjectIsDeletedButRecoverable",
  );
}
