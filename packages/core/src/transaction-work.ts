import { throwIfAborted } from './abort.js';

/**
 * Awaits a transaction's work for a storage that then commits or rolls back. When `signal` fires first, `onAbort` runs
 * at once (the transaction then refuses further calls), and the rejection waits for the work to settle: until then its
 * statements may still reach the connection, and they must land in the transaction about to be rolled back, not in
 * whatever runs on that connection next.
 * @throws OperationAbortedError when `signal` fired before the work settled (roll back then); the work's own error else.
 */
export async function awaitTransactionWork<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: (reason: unknown) => void,
): Promise<T> {
  if (signal === undefined) return work;
  throwIfAborted(signal);
  const listener = () => onAbort(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  try {
    const result = await work;
    throwIfAborted(signal);
    return result;
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    signal.removeEventListener('abort', listener);
  }
}
