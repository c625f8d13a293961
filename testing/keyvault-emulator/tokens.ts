/**
 * Access tokens: JWTs (HS256 under a secret kept in the data directory) with the claims Key Vault
 * reads from Entra ID's v1 access tokens: `aud`, `iss`, `tid`, `oid`, `appid`, `nbf`, `exp`.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The claims of an access token the emulator issues. */
export interface AccessTokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly tid: string;
  readonly oid: string;
  readonly appid: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** Signs the claims into a JWT. */
export function signToken(claims: AccessTokenClaims, secret: string): string {
  const head = `${b64(JSON.stringify({ typ: "JWT", alg: "HS256" }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** The claims of a token this emulator signed, or undefined for anything else (any input is safe). */
export function verifyToken(token: string, secret: string): AccessTokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as AccessTokenClaims;
    return typeof claims === "object" && claims !== null && typeof claims.exp === "number" ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The issuer Entra ID v1 tokens name for a tenant (what Key Vault checks, AKV10032). */
export const issuerOf = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;
