/**
 * Every resource the program constructed under mocks, and how its registration ended, so that
 * `waitForRegistrations()` can reject with the reason when one failed instead of resolving (or
 * waiting for mocha's timeout).
 *
 * A registration can fail before the mocks see it: an input Output that rejects (a component's
 * `ResourceError` inside an `apply`) fails the resource while its inputs are serialized, and the
 * SDK then rejects the resource's `urn`. The SDK notes each resource under construction in
 * its store (`pendingResourceRegistrations`, set synchronously in the resource's constructor and
 * replaced by every `setMocks`); the tracker observes those notes. With an SDK that keeps no such
 * map, nothing is tracked and only the bounded wait remains.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One constructed resource. */
interface Tracked {
  readonly resource: pulumi.Resource;
  /** The SDK's label, `resource:<name>[<type>]`. */
  readonly label: string;
  /** What the SDK is waiting for while the registration is pending (`dependencies`, `inputs`, `parent`, …). */
  readonly pending: { readonly phase?: string; readonly inputProperty?: string };
}

/** The resources constructed since the last `setMocks`. */
let tracked: Tracked[] = [];
const WRAPPED = Symbol.for("pulumi-ekm.testing.trackedRegistrations");

function tracking(map: Map<unknown, unknown>): Map<unknown, unknown> {
  const m = map as Map<unknown, unknown> & { [WRAPPED]?: true };
  if (m[WRAPPED]) return m;
  const set = m.set.bind(m);
  Object.defineProperty(m, WRAPPED, { value: true });
  m.set = (res: unknown, pending: unknown) => {
    const p = pending as { label?: string; phase?: string };
    tracked.push({ resource: res as pulumi.Resource, label: p.label ?? "resource", pending: p });
    return set(res, pending);
  };
  return m;
}

/** Starts observing the SDK's store (idempotent). Called by `ekmMocks()`. */
export function trackRegistrations(): void {
  let store: Record<string, unknown> | undefined;
  try {
    store = (require("@pulumi/pulumi/runtime/state") as { getStore?: () => Record<string, unknown> }).getStore?.();
  } catch {
    store = undefined;
  }
  if (!store || !(store.pendingResourceRegistrations instanceof Map)) return;
  const descriptor = Object.getOwnPropertyDescriptor(store, "pendingResourceRegistrations");
  if (descriptor?.get) return;
  let current = tracking(store.pendingResourceRegistrations);
  Object.defineProperty(store, "pendingResourceRegistrations", {
    configurable: true,
    enumerable: true,
    get: () => current,
    // setMocks replaces the map: a new program, a new list.
    set: (next: Map<unknown, unknown>) => {
      tracked = [];
      current = tracking(next);
    },
  });
}

/** The SDK's prefixes on a failure that flowed through inputs or the monitor; the reason is what follows them. */
export function underlyingMessage(message: string): string {
  return message.replace(/^(error serializing property "[^"]+": |failed to register new resource \S+ \[[^\]]+\]: )+/, "");
}

/** How each tracked registration ended: the failed ones with their reason, and those still pending. */
export async function registrationOutcomes(settleMs: number): Promise<{ failed: { label: string; message: string }[]; pending: Tracked[] }> {
  const list = [...tracked];
  const failed: { label: string; message: string }[] = [];
  const done = new Set<Tracked>();
  const settle = list.map((t) =>
    (t.resource.urn as unknown as { promise(): Promise<string> })
      .promise()
      .then(
        () => done.add(t),
        (err: unknown) => {
          done.add(t);
          failed.push({ label: t.label, message: underlyingMessage(err instanceof Error ? err.message : String(err)) });
        },
      ),
  );
  await within(Promise.all(settle), settleMs);
  return { failed, pending: list.filter((t) => !done.has(t)) };
}

/** Resolves when `p` settles or `ms` have passed, whichever comes first; never keeps the process alive. */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
