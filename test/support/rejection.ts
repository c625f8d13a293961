// Awaits a promise that must reject and returns its error, typed for the assertions that follow.

/** Resolves to the rejection of `p`; throws when `p` fulfils, so the test fails. */
export async function rejection<E extends Error = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error("expected a rejection, but the call succeeded");
}
