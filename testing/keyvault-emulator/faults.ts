/**
 * Injected faults: what a test sets through the admin API to play an outage of the vault (or of
 * Entra ID). Kept in memory only: a restart ends every fault, as a real outage ends.
 */

/** Where a fault applies. */
export type FaultTarget = "vault" | "entra" | "all";

/** A fault. `count` limits it to the next N requests; without it, it lasts until cleared. */
export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfterSeconds?: number; readonly target?: FaultTarget; readonly vault?: string; count?: number }
  | { readonly kind: "hang"; readonly target?: FaultTarget; readonly vault?: string; count?: number }
  | { readonly kind: "reset"; readonly target?: FaultTarget; readonly vault?: string; count?: number };

/** Checks an admin request's fault; returns the error text or the fault. */
export function parseFault(o: Record<string, unknown>): string | Fault {
  const target = o.target ?? "vault";
  if (target !== "vault" && target !== "entra" && target !== "all") return `target must be "vault", "entra" or "all", got ${JSON.stringify(target)}`;
  if (o.vault !== undefined && typeof o.vault !== "string") return `vault must be a vault name, got ${JSON.stringify(o.vault)}`;
  if (o.count !== undefined && (typeof o.count !== "number" || !Number.isSafeInteger(o.count) || o.count < 1)) return `count must be a positive integer, got ${JSON.stringify(o.count)}`;
  const common = { target, vault: o.vault?.toString().toLowerCase(), count: o.count as number | undefined } as const;
  switch (o.kind) {
    case "status": {
      if (typeof o.status !== "number" || !Number.isInteger(o.status) || o.status < 400 || o.status > 599) return `status must be an HTTP error status (400–599), got ${JSON.stringify(o.status)}`;
      if (o.retryAfterSeconds !== undefined && (typeof o.retryAfterSeconds !== "number" || !Number.isInteger(o.retryAfterSeconds) || o.retryAfterSeconds < 0)) {
        return `retryAfterSeconds must be a non-negative integer, got ${JSON.stringify(o.retryAfterSeconds)}`;
      }
      return { kind: "status", status: o.status, retryAfterSeconds: o.retryAfterSeconds as number | undefined, ...common };
    }
    case "hang":
    case "reset":
      return { kind: o.kind, ...common };
    default:
      return `kind must be "status", "hang" or "reset", got ${JSON.stringify(o.kind)}`;
  }
}

/** The fault for a request, if any; consumes one use of a counted fault. */
export function takeFault(faults: Fault[], area: "vault" | "entra", vault: string | undefined): Fault | undefined {
  const i = faults.findIndex((f) => (f.target === "all" || (f.target ?? "vault") === area) && (f.vault === undefined || f.vault === vault));
  if (i < 0) return undefined;
  const f = faults[i];
  if (f.count !== undefined) {
    f.count--;
    if (f.count <= 0) faults.splice(i, 1);
  }
  return f;
}

/**
 * The body of an injected status: Key Vault's throttling answer for 429
 * (https://learn.microsoft.com/azure/key-vault/general/overview-throttling) and a service error otherwise.
 */
export function faultBody(status: number): unknown {
  if (status === 429) return { error: { code: "Throttled", message: "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached" } };
  if (status === 503) return { error: { code: "ServiceUnavailable", message: "The service is temporarily unavailable. Please retry later." } };
  return { error: { code: status >= 500 ? "InternalServerError" : "BadRequest", message: `Injected fault: HTTP ${status}.` } };
}
