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
  // Once sent, a statement is not cancelled on the server: postgres.js 3.4 cancels unreliably (a cancel racing the
  // hand-over to a connection leaks that connection; one hitting a pipelined statement shifts answers to the next
  // query, seen as pages with missing rows). The core stops waiting for aborted reads at once; an aborted commit
  // finishes or fails atomically as sent, and is safe to retry with the same event ids.
  try {
    return (await query) as unknown as T;
  } catch (error) {
    throw translateDriverError(error, context, signal);
  }
}
