import { OperationAbortedError } from './errors.js';

/** Throws `OperationAbortedError` (name `AbortError`) when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OperationAbortedError(signal.reason);
}

/**
 * Resolves with `promise`, or rejects with `OperationAbortedError` as soon as `signal` fires.
 * Used for reads only: a read abandoned mid-way changes nothing.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OperationAbortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
