import type { StoredEvent } from '@streamstore/core/storage';
import { toStoredEvent } from './rows.js';
import type { Statements } from './statements.js';

/**
 * The reads of the global log and of categories. Each asks `source` for the statements only once the query is parsed
 * and known to need them: a page past the largest position opens no connection.
 */

/** Where the log reads get the storage's prepared statements (a `SqliteContext`). */
export interface StatementSource {
  statements(): Statements;
}

/** Largest position SQLite can store (int64); a checkpoint beyond it has nothing after it. */
const MAX_POSITION = 9223372036854775807n;

/** The exclusive upper bound of a backward page: the end of the log when absent, at most the largest rowid. */
function beforePosition(before: string | undefined): bigint {
  if (before === undefined) return MAX_POSITION;
  const value = BigInt(before);
  return value > MAX_POSITION ? MAX_POSITION : value;
}

/** The position of the global log's last event, or undefined for an empty log. */
export function readLogHead(source: StatementSource): string | undefined {
  const row = source.statements().headPosition.get();
  return row === undefined || BigInt(row.seq) === 0n ? undefined : String(row.seq);
}

/** One page of the global log after `query.after`. */
export function readAllPage(source: StatementSource, query: { after?: string; limit: number }): StoredEvent[] {
  const after = query.after === undefined ? 0n : BigInt(query.after);
  return after >= MAX_POSITION ? [] : source.statements().readAll.all(after, query.limit).map(toStoredEvent);
}

/** One page of the global log backward, before `query.before`. */
export function readAllBackwardPage(source: StatementSource, query: { before?: string; limit: number }): StoredEvent[] {
  const before = beforePosition(query.before);
  return source.statements().readAllBackward.all(before, query.limit).map(toStoredEvent);
}

/** One page of a category backward, before `query.before`. */
export function readCategoryBackwardPage(
  source: StatementSource,
  query: { category: string; before?: string; limit: number },
): StoredEvent[] {
  const before = beforePosition(query.before);
  return source.statements().readCategoryBackward.all(query.category, before, query.limit).map(toStoredEvent);
}

/** One page of a category after `query.after`. */
export function readCategoryPage(
  source: StatementSource,
  query: { category: string; after?: string; limit: number },
): StoredEvent[] {
  const after = query.after === undefined ? 0n : BigInt(query.after);
  if (after >= MAX_POSITION) return [];
  return source.statements().readCategory.all(query.category, after, query.limit).map(toStoredEvent);
}
