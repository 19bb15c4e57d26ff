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
  if (signal.aborted) {
    // The abandoned call may still fail later: observe it so it is not reported as an unhandled rejection.
    promise.catch(() => {});
    return Promise.reject(new OperationAbortedError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(new OperationAbortedError(signal.reason));
    };
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
