/**
 * Small helpers of the backends' fault tests (unreachable servers, stopped nodes and gateways), shared so that each
 * backend's tests keep only what is particular to its server.
 */

/** Runs `call`, returning its error (undefined when it succeeded) and how long it took to settle. */
export async function timedFailure(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

/** Whether a process with this id is running (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
