/**
 * The platform's view of one account, read with the typed client (GET only): the key-management
 * state (mode, effective key source, fallback, the BYOK configuration with its status and last
 * validation), the trust the customer must grant, and the events of the window.
 */
import { PlatformError, type KeyEvent, type PlatformClient } from "../sdk";
import { AuditError } from "./errors";
import type { PlatformView } from "./model";

/** The events API's largest page (sdk/api/routes.ts `listEvents.limit.maximum`). */
export const EVENTS_PAGE = 500;

/** The event types that decide whether the account is in fallback at a moment. */
const FALLBACK_EDGES = new Set(["byok.fallback", "byok.recovered"]);

/** An AuditError that names what failed and the fix, from a platform call's error. */
export function platformFailure(err: unknown, accountId: string): AuditError {
  if (!(err instanceof PlatformError)) return new AuditError(`reading account ${accountId} from the platform failed: ${(err as Error).message}`, "check --platform-url and rerun");
  const at = `${err.operation} (request ${err.requestId})`;
  if (err.status === 401) return new AuditError(`the platform refused the token for account ${accountId}: ${at} answered 401`, "pass the account's API token, or the platform admin token to audit many accounts, in EKM_API_TOKEN");
  if (err.status === 404) return new AuditError(`account ${accountId} is unknown to the platform, or the token is another account's: ${at} answered 404`, "check the stack's accountId, or use the platform admin token (EKM_API_TOKEN) to audit accounts other than the token's own");
  if (err.status === 0) return new AuditError(`the platform did not answer for account ${accountId}: ${at}: ${err.reason}`, "check --platform-url (EKM_PLATFORM_URL) and that the platform is reachable from here");
  return new AuditError(`the platform answered ${err.status} ${err.code} for account ${accountId}: ${at}: ${err.reason}`, "retry; if it persists, report the request id to the platform's operators");
}

/**
 * Reads the account's view. The events API pages by sequence number only, so the reader pages
 * from the start (500 a page, one call for most accounts) and keeps the events at or after `since`,
 * plus the last fallback edge before it (an outage that began before the window and lasted into it).
 */
export async function readPlatformView(client: PlatformClient, accountId: string, since: string): Promise<PlatformView> {
  try {
    const [state, trust, all] = await Promise.all([client.getKeyManagement(accountId), client.getTrust(accountId), allEvents(client, accountId)]);
    const start = Date.parse(since);
    const events = all.filter((e) => Date.parse(e.at) >= start);
    const lastEdge = all.filter((e) => Date.parse(e.at) < start && FALLBACK_EDGES.has(e.type)).at(-1);
    return { state, trust, events, before: lastEdge ? [lastEdge] : [] };
  } catch (err) {
    throw platformFailure(err, accountId);
  }
}

async function allEvents(client: PlatformClient, accountId: string): Promise<KeyEvent[]> {
  const out: KeyEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await client.listEvents(accountId, { after, limit: EVENTS_PAGE });
    out.push(...page.events);
    if (page.nextAfter === null || page.events.length < EVENTS_PAGE) return out;
    after = page.nextAfter;
  }
}
