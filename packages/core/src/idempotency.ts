import { DuplicateEventError, StreamConcurrencyError } from './errors.js';
import type { CommitResult, ExpectedRevision } from './model.js';
import { matchesStoredContent, type StoredRangeReader } from './retry-content.js';
import type { AppendOutcome, EncodedEvent, EventLocation } from './storage-spi.js';

/**
 * Decides what a rejected append means once the batch's ids have been looked up:
 * - all ids stored consecutively, in order, where this batch would have been written, with the same content -> the
 *   original result (an idempotent retry);
 * - some ids stored (or all, with other content) -> `DuplicateEventError`;
 * - none -> `StreamConcurrencyError` with the actual revision.
 * `readStored` is called only to compare content the backend stored no digest for.
 */
export async function resolveRejectedAppend(
  streamId: string,
  expected: ExpectedRevision,
  events: readonly EncodedEvent[],
  outcome: Exclude<AppendOutcome, { status: 'ok' | 'deleted' }>,
  locations: readonly EventLocation[],
  currentRevision: number,
  readStored: StoredRangeReader,
): Promise<CommitResult> {
  if (locations.length === 0) {
    return rejectWithoutDuplicates(streamId, expected, outcome, currentRevision);
  }
  const byId = new Map(locations.map((location) => [location.id, location]));
  const first = byId.get((events[0] as EncodedEvent).id);
  if (locations.length === events.length && first) {
    const consecutive = events.every((event, i) => byId.get(event.id)?.revision === first.revision + i);
    const last = byId.get((events[events.length - 1] as EncodedEvent).id) as EventLocation;
    if (
      consecutive &&
      writtenWhereExpected(expected, first.revision, last.revision, currentRevision) &&
      (await matchesStoredContent(
        events,
        events.map((event) => byId.get(event.id) as EventLocation),
        readStored,
      ))
    ) {
      return last.position === undefined ? { revision: last.revision } : { revision: last.revision, position: last.position };
    }
  }
  const ids = events.filter((event) => byId.has(event.id)).map((event) => event.id);
  throw new DuplicateEventError(streamId, ids);
}

function writtenWhereExpected(expected: ExpectedRevision, firstRevision: number, lastRevision: number, current: number): boolean {
  if (typeof expected === 'number') return firstRevision === expected + 1;
  if (expected === 'no-stream') return firstRevision === 1;
  // 'any' and 'stream-exists' pinned no place: only a retry of the stream's latest events is recognised.
  return lastRevision === current;
}

function rejectWithoutDuplicates(
  streamId: string,
  expected: ExpectedRevision,
  outcome: Exclude<AppendOutcome, { status: 'ok' | 'deleted' }>,
  currentRevision: number,
): never {
  const actual = outcome.status === 'conflict' ? outcome.actual : currentRevision;
  throw new StreamConcurrencyError(streamId, expected, actual);
}
