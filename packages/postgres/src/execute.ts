import { throwIfAborted } from '@streamstore/core';
import type { PendingQuery, Row } from 'postgres';
import { translateDriverError } from './driver-errors.js';

/**
 * Runs a postgres.js query, cancelling it on the server when `signal` fires, and translates driver errors into
 * the core's typed errors. `context` names the operation in messages.
 */
export async function execute<T>(
  query: PendingQuery<(Row & Iterable<Row>)[]>,
  context: string,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) {
    try {
      return (await query) as unknown as T;
    } catch (error) {
      throw translateDriverError(error, context);
    }
  }
  throwIfAborted(signal);
  const cancel = () => {
    void query.cancel();
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return (await query) as unknown as T;
  } catch (error) {
    throw translateDriverError(error, context, signal);
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
