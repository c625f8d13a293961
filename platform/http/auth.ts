/** Bearer-token authentication: the admin token, or an account token that only reaches its own account. */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./httpError";
import { accountByToken, tokensEqual } from "../store/accounts";
import type { Db } from "../store/db";

/** Who is calling. */
export type Caller = { kind: "admin" } | { kind: "account"; accountId: string };

/** Identifies the caller, or throws 401. */
export function authenticate(db: Db, req: IncomingMessage, adminToken: string): Caller {
  const header = req.headers.authorization;
  if (!header) throw new HttpError(401, "unauthorized", "missing Authorization header: send Authorization: Bearer <token>", { headers: { "www-authenticate": 'Bearer realm="ekm"' } });
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new HttpError(401, "unauthorized", "the Authorization header must be Bearer <token>", { headers: { "www-authenticate": 'Bearer realm="ekm"' } });
  const token = m[1];
  if (tokensEqual(token, adminToken)) return { kind: "admin" };
  const account = accountByToken(db, token);
  if (!account) throw new HttpError(401, "unauthorized", "the token is not valid: use the token POST /v1/accounts returned for your account", { headers: { "www-authenticate": 'Bearer error="invalid_token"' } });
  return { kind: "account", accountId: account.id };
}

/** Requires the admin token. */
export function requireAdmin(caller: Caller): void {
  if (caller.kind !== "admin") throw new HttpError(403, "forbidden", "this operation needs the platform admin token (EKM_ADMIN_TOKEN)");
}

/** Refuses the admin token for content: it operates the platform, it does not read or write what accounts encrypt. */
export function requireOwnToken(caller: Caller): void {
  if (caller.kind === "admin") {
    throw new HttpError(403, "forbidden", "the admin token operates the platform (accounts, key management, maintenance) but cannot encrypt or decrypt an account's content: use the account's own token");
  }
}

/**
 * Requires access to `accountId`. Another account's id answers 404, exactly like an unknown
 * account, so a token cannot even learn which accounts exist.
 */
export function requireAccount(caller: Caller, accountId: string): void {
  if (caller.kind === "account" && caller.accountId !== accountId) throw new HttpError(404, "not_found", `account ${accountId} not found`);
}
