/**
 * Emmett's expected stream versions in StreamStore's terms, and StreamStore's conflicts in Emmett's.
 */
import {
  type ExpectedStreamVersion,
  ExpectedVersionConflictError,
  NO_CONCURRENCY_CHECK,
  STREAM_DOES_NOT_EXIST,
  STREAM_EXISTS,
} from '@event-driven-io/emmett';
import { type ExpectedRevision, StreamConcurrencyError } from '@streamstore/core';
import { toRevision, toStreamPosition } from './positions.js';

/**
 * The StreamStore expectation of an Emmett one. No expectation means no check, as in every Emmett store, so it
 * becomes an explicit `'any'` (StreamStore's own default is `'no-stream'`).
 */
export function toExpectedRevision(expected: ExpectedStreamVersion | undefined): ExpectedRevision {
  if (expected === undefined || expected === NO_CONCURRENCY_CHECK) return 'any';
  if (expected === STREAM_DOES_NOT_EXIST) return 'no-stream';
  if (expected === STREAM_EXISTS) return 'stream-exists';
  return toRevision(expected as bigint | number, 'expectedStreamVersion');
}

/**
 * Emmett's conflict error for a StreamStore one, carrying the stream's real version at the time of the check (Emmett's
 * own PostgreSQL store reports -1 there); any other error is returned unchanged.
 */
export function toEmmettError(error: unknown, expected: ExpectedStreamVersion | undefined): unknown {
  if (!(error instanceof StreamConcurrencyError)) return error;
  const conflict = new ExpectedVersionConflictError(toStreamPosition(error.actual), expected ?? NO_CONCURRENCY_CHECK);
  // The StreamStore error says which stream and when; keep it for logs.
  (conflict as Error).cause = error;
  return conflict;
}
