import { throwIfAborted } from '@streamstore/core';
import type { PendingQuery, Row, Sql } from 'postgres';
import { translateDriverError } from './driver-errors.js';

/** How often a statement is sent again after a cancel that was meant for an earlier statement. */
const STRAY_CANCEL_RETRIES = 2;

/**
 * Whether `error` is a cancel this call did not ask for. A cancel request reaches the server asynchronously, by
 * then the backend may run the next statement of its connection: the cancel of an aborted call can hit another
 * call's statement. That statement failed as a whole (nothing of it is committed), so it can simply be sent again.
 */
function isStrayCancel(error: unknown, signal: AbortSignal | undefined): boolean {
  return !signal?.aborted && (error as { code?: unknown } | null)?.code === '57014';
}

/**
 * Runs the prepared statement `text` with `params`, cancelling it on the server when `signal` fires, sending it
 * again after a stray cancel (see {@link isStrayCancel}), and translating driver errors into the core's typed errors.
 * `context` names the operation in messages.
 */
export async function execute<T>(
  sql: Sql,
  text: string,
  params: readonly unknown[],
  context: string,
  signal: AbortSignal | undefined,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await executeOnce<T>(sql.unsafe(text, params as never[], { prepare: true }), context, signal);
    } catch (error) {
      if (attempt < STRAY_CANCEL_RETRIES && isStrayCancel(error, signal)) continue;
      throw error;
    }
  }
}

async function executeOnce<T>(
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
  let settled = false;
  // Two states in which postgres.js (3.4) must not be asked to cancel a query:
  // - awaited but not yet handed to a connection (that happens one microtask later): the query is rejected but still
  //   handed over, and that connection never returns to the pool (enough of them and every later query waits
  //   forever). Hence the cancel goes out one macrotask later at the earliest;
  // - sent, but pipelined behind another statement of its connection: when it comes up, the connection skips it and
  //   takes the server's answers to it for the next query's. Hence the cancel waits until the query is running.
  // Queued (waiting for a connection) and running queries are cancelled properly; a finished one needs nothing.
  const pending = query as unknown as { state?: unknown; active?: boolean };
  const cancelWhenSafe = () => {
    if (settled) return;
    if (pending.state !== undefined && !pending.active) {
      setTimeout(cancelWhenSafe, 1);
      return;
    }
    void query.cancel();
  };
  const cancel = () => {
    setImmediate(cancelWhenSafe);
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return (await query) as unknown as T;
  } catch (error) {
    throw translateDriverError(error, context, signal);
  } finally {
    settled = true;
    signal.removeEventListener('abort', cancel);
  }
}
