/**
 * Emmett's `from` / `to` / `maxCount` as a StreamStore read.
 *
 * Emmett's PostgreSQL store reads positions `from..to`, both inclusive, and turns `maxCount` into
 * `to = (from ?? 0) + maxCount`; this follows it. (Emmett's in-memory store agrees on `to` and on `maxCount` read from
 * the start, but slices from index `from`, so for it `from: n` starts after position n.)
 */
import type { ReadStreamOptions } from '@event-driven-io/emmett';
import { toRevision } from './positions.js';

/** A forward StreamStore read: the first revision and how many events at most (`undefined`: to the end). */
export interface ReadRange {
  from: number;
  maxCount: number | undefined;
}

/** The StreamStore read of an Emmett `readStream`'s options; `maxCount` 0 when the range is empty. */
export function toReadRange(options: Pick<ReadStreamOptions, 'from' | 'to' | 'maxCount'> | undefined): ReadRange {
  const from = options?.from === undefined ? 0 : toRevision(options.from, 'from');
  const first = Math.max(from, 1);
  let last: number | undefined;
  if (options?.to !== undefined) last = toRevision(options.to, 'to');
  else if (options?.maxCount) last = from + toRevision(options.maxCount, 'maxCount');
  if (last === undefined) return { from: first, maxCount: undefined };
  return { from: first, maxCount: Math.max(last - first + 1, 0) };
}

/** Whether a read may stop before the stream's end (then its last event is not the stream's head). */
export function isBounded(range: ReadRange): boolean {
  return range.maxCount !== undefined;
}
