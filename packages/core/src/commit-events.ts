import { throwIfAborted } from './abort.js';
import { encodeBatch } from './encode-batch.js';
import { StreamConcurrencyError, StreamDeletedError } from './errors.js';
import { matchesExpected } from './expected.js';
import { resolveRejectedAppend } from './idempotency.js';
import { batchBytes, type CommitProbe } from './instrumented-operations.js';
import type { StoreLimits } from './limits.js';
import type { CommitResult, EventData, ExpectedRevision } from './model.js';
import { storedRangeReader } from './retry-content.js';
import type { EventSerializer } from './serialization/serializer.js';
import type { AppendOutcome, EncodedEvent, StreamStorage } from './storage-spi.js';
import { validateExpected, validateStreamId } from './validation.js';

/** What a commit needs from its store. */
export interface CommitTarget {
  readonly storage: StreamStorage<object>;
  readonly serializer: EventSerializer;
  readonly limits: Readonly<StoreLimits>;
  /** Throws `StoreClosedError` once the store is closed. */
  ensureOpen(): void;
}

/**
 * One commit: validate and encode the batch before any I/O, append it, and on a refusal resolve what it means
 * (an idempotent retry's original result, a `DuplicateEventError`, or a conflict with the actual revision).
 */
export async function commitEvents(
  target: CommitTarget,
  rawStreamId: string,
  rawExpected: ExpectedRevision,
  events: readonly EventData[],
  signal: AbortSignal | undefined,
  probe: CommitProbe | undefined,
): Promise<CommitResult> {
  target.ensureOpen();
  const streamId = validateStreamId(rawStreamId);
  const expected = validateExpected(rawExpected);
  const encoded = encodeBatch(events, target.serializer, target.limits, probe?.traceContext);
  if (probe !== undefined) probe.bytes = batchBytes(encoded);
  throwIfAborted(signal);
  if (encoded.length === 0) return checkWithoutWriting(target.storage, streamId, expected, signal);
  let outcome = await target.storage.append(streamId, expected, encoded, { signal });
  if (outcome.status === 'ok') return okResult(outcome);
  if (outcome.status === 'deleted') throw new StreamDeletedError(streamId);
  if (probe !== undefined) probe.rejected = true;
  for (let attempt = 0; ; attempt++) {
    const locations = await target.storage.findEvents(
      streamId,
      encoded.map((event) => event.id),
      { signal },
    );
    // A 'duplicate' whose ids vanished meanwhile (a concurrent delete) is worth one more try.
    if (outcome.status === 'duplicate' && locations.length === 0 && attempt === 0) {
      outcome = await target.storage.append(streamId, expected, encoded, { signal });
      if (outcome.status === 'ok') return okResult(outcome);
      if (outcome.status === 'deleted') throw new StreamDeletedError(streamId);
      continue;
    }
    const current =
      outcome.status === 'conflict'
        ? outcome.actual
        : (outcome.actual ?? (await target.storage.getStream(streamId, { signal }))?.revision ?? 0);
    const readStored = storedRangeReader(target.storage, streamId, { signal });
    return resolveRejectedAppend(streamId, expected, encoded as EncodedEvent[], outcome, locations, current, readStored);
  }
}

async function checkWithoutWriting(
  storage: StreamStorage<object>,
  streamId: string,
  expected: ExpectedRevision,
  signal?: AbortSignal,
): Promise<CommitResult> {
  const head = await storage.getStream(streamId, { signal });
  // A commit of nothing still says what a commit of something would: a tombstoned stream takes no writes.
  if (head?.tombstoned) throw new StreamDeletedError(streamId);
  const revision = head?.revision ?? 0;
  if (!matchesExpected(expected, revision)) throw new StreamConcurrencyError(streamId, expected, revision);
  return { revision };
}

function okResult(outcome: Extract<AppendOutcome, { status: 'ok' }>): CommitResult {
  return outcome.position === undefined
    ? { revision: outcome.revision }
    : { revision: outcome.revision, position: outcome.position };
}
