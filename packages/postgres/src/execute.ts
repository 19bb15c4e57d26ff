import { StorageUnavailableError } from '@streamstore/core';
import { throwIfAborted } from '@streamstore/core/storage';
import type { PendingQuery, Row, Sql } from 'postgres';
import { translateDriverError } from './driver-errors.js';
import { wholeRows } from './result-rows.js';

/**
 * How long a call waits for its statement. A connection can stop answering without ever failing (a lost peer, or a
 * wedge in the driver): without a deadline its calls would wait forever.
 */
export interface CallDeadline {
  /** Longest wait, in milliseconds. */
  ms: number;
  /**
   * Called when a call started at `startedAt` (`performance.now()`) gives up: lets the owner of the pool reset it. The
   * call fails once the returned promise settles.
   */
  expired(startedAt: number): Promise<unknown> | undefined;
}

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
 * A statement cancelled on every attempt (a statement_timeout does that) fails with `StorageUnavailableError`.
 * `context` names the operation in messages.
 */
export async function execute<T>(
  sql: Sql,
  text: string,
  params: readonly unknown[],
  context: string,
  signal: AbortSignal | undefined,
  deadline?: CallDeadline,
): Promise<T> {
  const startedAt = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const query = sql.unsafe(text, params as never[], { prepare: true });
      return wholeRows(await executeOnce<T>(withDeadline(query, context, startedAt, deadline), context, signal), context);
    } catch (error) {
      if (!isStrayCancel(error, signal)) throw error;
      if (attempt < STRAY_CANCEL_RETRIES) continue;
      // Cancelled on every attempt: a statement_timeout, or cancels that keep hitting it. A timeout, retries exhausted.
      throw new StorageUnavailableError(
        `PostgreSQL cancelled the statement on each of ${attempt + 1} attempts (${context}): ${(error as Error).message}; nothing of it was committed, safe to retry with the same event ids`,
        { cause: error },
      );
    }
  }
}

type Rows = (Row & Iterable<Row>)[];

/**
 * `query`, failing with `StorageUnavailableError` once `deadline` has passed since `startedAt`. The statement may still
 * run on the server: like a lost reply, its outcome is unknown and a retry with the same event ids is safe.
 */
function withDeadline(
  query: PendingQuery<Rows>,
  context: string,
  startedAt: number,
  deadline: CallDeadline | undefined,
): PendingQuery<Rows> | Promise<Rows> {
  if (deadline === undefined) return query;
  const left = Math.max(0, startedAt + deadline.ms - performance.now());
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      await deadline.expired(startedAt)?.catch(() => {});
      reject(
        new StorageUnavailableError(
          `PostgreSQL did not answer within ${deadline.ms} ms (${context}); the outcome is unknown, safe to retry with the same event ids`,
        ),
      );
    }, left);
  });
  const answered = Promise.resolve(query);
  answered.catch(() => {}); // after the deadline nobody waits for it any more
  return Promise.race([answered, expired]).finally(() => clearTimeout(timer));
}

async function executeOnce<T>(query: PromiseLike<Rows>, context: string, signal: AbortSignal | undefined): Promise<T> {
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
