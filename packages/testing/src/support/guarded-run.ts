/**
 * Runs a scenario body, then its cleanup (also when the body failed), and fails with the first error: the body's,
 * else the cleanup's. A promise rejection left unhandled meanwhile fails the scenario too: in production it would
 * crash the process. Shared by the storage kit and the consumer-state kit.
 */
export async function guardedRun(body: () => Promise<void>, cleanup: () => Promise<void>): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  let failure: { error: unknown } | undefined;
  try {
    await body();
  } catch (error) {
    failure = { error };
  }
  try {
    await cleanup();
  } catch (error) {
    // A failure to close only counts when the scenario itself passed; otherwise the first error is the story.
    failure ??= { error };
  }
  // Node reports unhandled rejections after the microtask queue drains: give it a turn before looking.
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', onUnhandled);
  if (failure) throw failure.error;
  if (unhandled.length > 0) {
    const first = unhandled[0];
    const shown = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
    throw new Error(`The scenario left ${unhandled.length} promise rejection(s) unhandled, the first: ${shown}`, {
      cause: first,
    });
  }
}
