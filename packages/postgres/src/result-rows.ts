import { StorageUnavailableError } from '@streamstore/core';

/**
 * The rows of a query result, whole. postgres.js 3.4.9 stores each row at `result[rowIndex++]` and resets that
 * per-connection index only when a statement completes: after a statement that failed part-way through its rows (an
 * error, or a connection terminated mid-result by a restart), the next statement on that connection gets a result
 * with holes before its rows — a page holding `undefined`. The rows present are exactly the statement's own, and
 * `count` says how many the server sent, so the holes are dropped when the numbers agree; otherwise the result cannot
 * be trusted and the call fails as retryable.
 */
export function wholeRows<T>(result: T, context: string): T {
  if (!Array.isArray(result)) return result;
  const count = (result as { count?: unknown }).count;
  if (typeof count !== 'number' || result.length === count) return result;
  const present = result.filter(() => true); // filter skips holes
  if (present.length === count) return present as T;
  throw new StorageUnavailableError(
    `PostgreSQL returned an incomplete result (${context}): ${present.length} rows for ${count}; nothing was decided, safe to retry`,
  );
}
