/**
 * The store's operations as seen by its instrumentation: each function here runs an operation inside the scope its
 * hook returned and reports how it ended. The store only calls into this file when it was given `instrumentation`,
 * so an uninstrumented store never runs any of it.
 */
import { commitBytesOf } from './commit-size.js';
import { DuplicateEventError, StreamConcurrencyError } from './errors.js';
import type {
  CommitEnd,
  DeleteEnd,
  InstrumentationScope,
  InstrumentedStore,
  ReadEnd,
  StoreInstrumentation,
  TraceContext,
} from './instrumentation.js';
import type { CommitResult, EventData, ExpectedRevision, RecordedEvent } from './model.js';
import type { EncodedEvent, StoredEvent } from './storage-spi.js';

/** What the store tells an instrumented commit about its progress (filled in as it goes). */
export interface CommitProbe {
  /** Encoded bytes of the batch, once encoded. */
  bytes?: number;
  /** The backend refused the first append: a successful result is an idempotent retry's. */
  rejected: boolean;
  /** The trace context to store in the events' metadata, added as they are encoded (`encodeBatch`). */
  traceContext?: TraceContext;
}

/** The encoded size of a batch, as counted toward `maxCommitBytes`. */
export function batchBytes(encoded: readonly EncodedEvent[]): number {
  let bytes = 0;
  for (const event of encoded) bytes += commitBytesOf(event);
  return bytes;
}

/** Runs `commit` inside the commit hook's scope, with the scope's trace context added to the events. */
export async function instrumentCommit(
  hooks: StoreInstrumentation,
  store: InstrumentedStore,
  streamId: string,
  expected: ExpectedRevision,
  events: readonly EventData[],
  commit: (events: readonly EventData[], probe: CommitProbe | undefined) => Promise<CommitResult>,
): Promise<CommitResult> {
  const scope = hooks.commit?.({ store, streamId, expected, events: events.length });
  if (scope === undefined) return commit(events, undefined);
  const probe: CommitProbe =
    scope.traceContext === undefined ? { rejected: false } : { rejected: false, traceContext: scope.traceContext };
  let result: CommitResult;
  try {
    result = await (scope.run ? scope.run(() => commit(events, probe)) : commit(events, probe));
  } catch (error) {
    end(scope, failedCommit(error, probe.bytes));
    throw error;
  }
  end(scope, {
    outcome: probe.rejected ? 'idempotent' : 'ok',
    revision: result.revision,
    ...(result.position === undefined ? {} : { position: result.position }),
    ...(probe.bytes === undefined ? {} : { bytes: probe.bytes }),
  });
  return result;
}

function failedCommit(error: unknown, bytes: number | undefined): CommitEnd {
  const size = bytes === undefined ? {} : { bytes };
  if (error instanceof StreamConcurrencyError) return { outcome: 'conflict', actualRevision: error.actual, error, ...size };
  if (error instanceof DuplicateEventError) return { outcome: 'duplicate', error, ...size };
  return { outcome: 'error', error, ...size };
}

/** Runs a deletion inside the delete hook's scope. */
export async function instrumentDelete(
  hooks: StoreInstrumentation,
  store: InstrumentedStore,
  streamId: string,
  expected: ExpectedRevision | undefined,
  remove: () => Promise<boolean>,
): Promise<boolean> {
  const scope = hooks.deleteStream?.({ store, streamId, ...(expected === undefined ? {} : { expected }) });
  if (scope === undefined) return remove();
  let deleted: boolean;
  try {
    deleted = await (scope.run ? scope.run(remove) : remove());
  } catch (error) {
    end<DeleteEnd>(
      scope,
      error instanceof StreamConcurrencyError
        ? { outcome: 'conflict', actualRevision: error.actual, error }
        : { outcome: 'error', error },
    );
    throw error;
  }
  end<DeleteEnd>(scope, { outcome: 'ok', deleted });
  return deleted;
}

/**
 * An iterator over a read's pages inside a read hook's scope: `make` builds the store's own iterator over the page
 * fetcher it is given. The scope ends when the iteration does (exhausted, left with `break`, or failed); a read
 * abandoned without either never ends it, as it never ends for the store either.
 */
export function instrumentRead(
  scope: InstrumentationScope<ReadEnd> | undefined,
  nextPage: () => Promise<readonly StoredEvent[] | undefined>,
  make: (nextPage: () => Promise<readonly StoredEvent[] | undefined>) => AsyncIterator<RecordedEvent>,
): AsyncIterator<RecordedEvent> {
  if (scope === undefined) return make(nextPage);
  const counts = { events: 0, pages: 0 };
  const fetch = async () => {
    const page = await (scope.run ? scope.run(nextPage) : nextPage());
    if (page !== undefined) counts.pages++;
    return page;
  };
  return new InstrumentedIterator(make(fetch), scope, counts);
}

class InstrumentedIterator implements AsyncIterableIterator<RecordedEvent> {
  private ended = false;

  constructor(
    private readonly inner: AsyncIterator<RecordedEvent>,
    private readonly scope: InstrumentationScope<ReadEnd>,
    private readonly counts: { events: number; pages: number },
  ) {}

  async next(): Promise<IteratorResult<RecordedEvent>> {
    let result: IteratorResult<RecordedEvent>;
    try {
      result = await this.inner.next();
    } catch (error) {
      this.end(error);
      throw error;
    }
    if (result.done) this.end();
    else this.counts.events++;
    return result;
  }

  async return(): Promise<IteratorResult<RecordedEvent>> {
    this.end();
    return (await this.inner.return?.()) ?? { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    end(this.scope, error === undefined ? { ...this.counts } : { ...this.counts, error });
  }
}

/** Ends a scope; a failing hook must never turn into the operation's failure. */
function end<R>(scope: InstrumentationScope<R>, result: R): void {
  try {
    scope.end(result);
  } catch {
    // Instrumentation is best effort: the caller's operation already succeeded or failed on its own.
  }
}
