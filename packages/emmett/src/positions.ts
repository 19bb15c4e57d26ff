/**
 * The one place where Emmett's stream positions meet StreamStore's revisions.
 *
 * Both count from 1 and both call an empty (or absent) stream 0: Emmett's `streamPosition` of a stream's first event is
 * `1n`, its default stream version `0n`, exactly StreamStore's revision 1 and revision 0. What differs is the type
 * (Emmett: `bigint`, StreamStore: a safe-integer `number`) and the range, so every crossing goes through here and a
 * position StreamStore cannot hold is refused instead of silently rounded.
 */
import { ValidationError } from '@streamstore/core';

/**
 * An Emmett stream position (or version) as a StreamStore revision.
 * @throws ValidationError when it is negative, not an integer or beyond `Number.MAX_SAFE_INTEGER`.
 */
export function toRevision(position: bigint | number, field: string): number {
  const value = typeof position === 'bigint' ? position : Number.isInteger(position) ? BigInt(position) : undefined;
  if (value === undefined || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ValidationError(field, `${field} must be an integer from 0 to 2^53-1, got ${String(position)}`);
  }
  return Number(value);
}

/** A StreamStore revision as an Emmett stream position (`bigint`). */
export function toStreamPosition(revision: number): bigint {
  return BigInt(revision);
}

/**
 * A StreamStore global position as Emmett's `globalPosition`. The in-memory, SQLite and PostgreSQL backends use decimal
 * integers; a backend without a global order (Cassandra, S3) has none, and Emmett then gets none either.
 */
export function toGlobalPosition(position: string | undefined): bigint | undefined {
  return position !== undefined && /^(0|[1-9][0-9]*)$/.test(position) ? BigInt(position) : undefined;
}
