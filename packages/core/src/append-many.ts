import { throwIfAborted } from './abort.js';
import { encodeBatch } from './encode-batch.js';
import {
  DuplicateEventError,
  LimitExceededError,
  MultiStreamConcurrencyError,
  StorageCorruptedError,
  StreamConcurrencyError,
  type StreamConflict,
  StreamDeletedError,
  ValidationError,
} from './errors.js';
import { resolveRejectedAppend } from './idempotency.js';
import type { StoreLimits } from './limits.js';
import type { CommitResult, EventData, ExpectedRevision } from './model.js';
import { storedRangeReader } from './retry-content.js';
import type { EventSerializer } from './serialization/serializer.js';
import type { AppendManyOutcome, AppendOutcome, CallOptions, EncodedEvent, StreamAppend, StreamStorage } from './storage-spi.js';
import { validateExpected, validateStreamId } from './validation.js';

/** One stream's part of `store.appendMany`: its id, its expectation and its events. */
export interface StreamAppendInput<E = EventData> {
  stream: string;
  /** As for `beginWrite` (default `'no-stream'`). */
  expected?: ExpectedRevision;
  events: Iterable<E>;
}

/** What a multi-stream append needs of a storage (or of one open transaction). */
export type AppendManyTarget = Pick<StreamStorage, 'findEvents' | 'readStream' | 'getStream'> & {
  appendMany(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome>;
};

/**
 * What `store.appendMany` runs on: the storage's own `appendMany`, else one `transaction` around the transaction's;
 * undefined when the storage has neither.
 */
export function appendManyTarget(storage: StreamStorage): AppendManyTarget | undefined {
  const own = storage.appendMany?.bind(storage);
  const transaction = storage.transaction?.bind(storage);
  if (!own && !transaction) return undefined;
  return {
    findEvents: storage.findEvents.bind(storage),
    readStream: storage.readStream.bind(storage),
    getStream: storage.getStream.bind(storage),
    appendMany:
      own ??
      ((appends, options) => (transaction as NonNullable<typeof transaction>)((tx) => tx.appendMany(appends, options), options)),
  };
}

/**
 * Validates and encodes the parts of a multi-stream append before any I/O: each part as a commit of its own (ids,
 * limits per part), and the total against the backend's count limit, since the parts travel as one commit.
 */
export function encodeParts(
  parts: readonly StreamAppendInput<unknown>[],
  serializer: EventSerializer,
  limits: Readonly<StoreLimits>,
  withId: (event: EventData) => EventData,
): StreamAppend[] {
  if (!Array.isArray(parts)) throw new ValidationError('appends', 'appendMany takes an array of { stream, expected, events }');
  let total = 0;
  const encoded = parts.map((part, i) => {
    if (part === null || typeof part !== 'object')
      throw new ValidationError(`appends[${i}]`, 'each part is { stream, expected, events }');
    const events = part.events;
    if (events === null || typeof events !== 'object' || !(Symbol.iterator in events)) {
      throw new ValidationError(`appends[${i}].events`, 'events must be an iterable of events');
    }
    const batch = encodeBatch(
      [...events].map((event) => withId(event as EventData)),
      serializer,
      limits,
    );
    // A part is a write: an expectation alone would need every backend to check a head inside the same atomic step.
    if (batch.length === 0) throw new ValidationError(`appends[${i}].events`, 'each part of appendMany needs at least one event');
    total += batch.length;
    return {
      streamId: validateStreamId(part.stream, `appends[${i}].stream`),
      expected: validateExpected(part.expected ?? 'no-stream'),
      events: batch,
    };
  });
  if (limits.maxEventsPerCommit !== undefined && total > limits.maxEventsPerCommit) {
    throw new LimitExceededError('maxEventsPerCommit', limits.maxEventsPerCommit, total, 'appends');
  }
  return encoded;
}

/**
 * Appends every part atomically, resolving refused parts as single commits would: a part whose events are already
 * stored where it asked (an idempotent retry) returns the original result and the others are appended (again
 * atomically) without it; failed expectations are reported together; a duplicate id is a `DuplicateEventError`.
 * @throws MultiStreamConcurrencyError naming every stream whose expectation failed, with its actual revision.
 */
export async function appendManyResolved(
  target: AppendManyTarget,
  parts: readonly StreamAppend[],
  signal: AbortSignal | undefined,
): Promise<CommitResult[]> {
  const results = new Array<CommitResult>(parts.length);
  let pending = parts.map((_, i) => i);
  // Each round either commits or settles at least one part for good, so it ends; the bound guards a broken backend.
  for (let round = 0; pending.length > 0; round++) {
    throwIfAborted(signal);
    const outcome = await target.appendMany(
      pending.map((i) => parts[i] as StreamAppend),
      { signal },
    );
    if (outcome.status === 'ok') {
      outcome.results.forEach((result, k) => {
        results[pending[k] as number] =
          result.position === undefined
            ? { revision: result.revision }
            : { revision: result.revision, position: result.position };
      });
      return results;
    }
    const conflicts: StreamConflict[] = [];
    let duplicate: DuplicateEventError | undefined;
    const retry: number[] = [];
    for (const [k, partOutcome] of outcome.outcomes.entries()) {
      const i = pending[k] as number;
      if (partOutcome.status === 'ok') {
        retry.push(i);
        continue;
      }
      // A tombstone is final (no retry or expectation changes it): it outranks the other parts' conflicts.
      if (partOutcome.status === 'deleted') throw new StreamDeletedError((parts[i] as StreamAppend).streamId);
      try {
        const resolved = await resolvePart(target, parts[i] as StreamAppend, partOutcome, signal);
        if (resolved === 'retry') retry.push(i);
        else results[i] = resolved;
      } catch (error) {
        if (error instanceof StreamConcurrencyError) {
          conflicts.push({ streamId: error.streamId, expected: error.expected, actual: error.actual });
        } else if (error instanceof DuplicateEventError) duplicate ??= error;
        else throw error;
      }
    }
    if (conflicts.length > 0) throw new MultiStreamConcurrencyError(conflicts);
    if (duplicate) throw duplicate;
    if (retry.length === pending.length && round > 0) {
      throw new StorageCorruptedError('appendMany was refused twice without a refused part');
    }
    pending = retry;
  }
  return results;
}

/** What a refused part means, as for a single commit; `'retry'` when its duplicate ids have vanished meanwhile. */
async function resolvePart(
  target: AppendManyTarget,
  part: StreamAppend,
  outcome: Exclude<AppendOutcome, { status: 'ok' | 'deleted' }>,
  signal: AbortSignal | undefined,
): Promise<CommitResult | 'retry'> {
  const { streamId, expected, events } = part;
  const locations = await target.findEvents(
    streamId,
    events.map((event) => event.id),
    { signal },
  );
  if (outcome.status === 'duplicate' && locations.length === 0) return 'retry';
  const current =
    outcome.status === 'conflict'
      ? outcome.actual
      : (outcome.actual ?? (await target.getStream(streamId, { signal }))?.revision ?? 0);
  const readStored = storedRangeReader(target, streamId, { signal });
  return resolveRejectedAppend(streamId, expected, events as EncodedEvent[], outcome, locations, current, readStored);
}
