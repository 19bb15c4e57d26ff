import { raceAbort, throwIfAborted } from './abort.js';
import { NotSupportedError, StreamDeletedError } from './errors.js';
import { instrumentRead } from './instrumented-operations.js';
import { logPages } from './log-pages.js';
import type { StreamInfo } from './model.js';
import { PagedIterator } from './paged-iterator.js';
import { streamPages } from './read-pages.js';
import { toRecordedEvent } from './recorded.js';
import { fetchRetentionState, firstKeptWithAge, logRetentionFilter } from './retention.js';
import type { DecodeErrorPolicy } from './serialization/serializer.js';
import type { StoredEvent } from './storage-spi.js';
import type { StoreContext } from './store-context.js';
import type { ReadAllOptions, ReadOptions } from './store-options.js';
import type { LogReader } from './subscriptions/log-reader.js';
import { logEndPosition } from './subscriptions/sources.js';
import type { RecordedEventOf } from './typed-events.js';
import { validateStreamId } from './validation.js';

/** The events of a stream read (`store.read`), decoded, in a read span when instrumented. */
export function streamEvents<E>(ctx: StoreContext, streamId: string, options: ReadOptions): AsyncIterable<RecordedEventOf<E>> {
  return decodedPages<E>(
    ctx,
    options.onDecodeError,
    () => streamPages(ctx, streamId, options),
    () =>
      ctx.instrumentation?.read?.({
        store: ctx.identity,
        streamId,
        direction: options.direction ?? 'forward',
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      }),
  );
}

/** The events of a read of the global log, or of `category` when given (`store.readAll`, `store.readCategory`). */
export function logEvents<E>(
  ctx: StoreContext,
  options: ReadAllOptions,
  category: string | undefined,
): AsyncIterable<RecordedEventOf<E>> {
  return decodedPages<E>(
    ctx,
    options.onDecodeError,
    () => logPages(ctx, options, category),
    () =>
      ctx.instrumentation?.readAll?.({
        store: ctx.identity,
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
        ...(options.direction === undefined ? {} : { direction: options.direction }),
        ...(category === undefined ? {} : { category }),
      }),
  );
}

/** The events of a read's pages, decoded with the store's serializer, in the read's span when instrumented. */
function decodedPages<E>(
  ctx: StoreContext,
  onDecodeError: DecodeErrorPolicy | undefined,
  pages: () => () => Promise<readonly StoredEvent[] | undefined>,
  scope: () => Parameters<typeof instrumentRead>[0],
): AsyncIterable<RecordedEventOf<E>> {
  return {
    [Symbol.asyncIterator]: () => {
      const policy = onDecodeError ?? ctx.serializer.onDecodeError;
      const make = (next: () => Promise<readonly StoredEvent[] | undefined>) =>
        new PagedIterator(next, (stored) => toRecordedEvent(stored, ctx.serializer, policy));
      const iterator = ctx.instrumentation === undefined ? make(pages()) : instrumentRead(scope(), pages(), make);
      // The event types are the caller's promise about the content: a cast, no run-time cost.
      return iterator as unknown as AsyncIterator<RecordedEventOf<E>>;
    },
  };
}

/** `store.getStream`: the stream's head, or null, raced against `options.signal`. */
export async function getStream(
  ctx: StoreContext,
  streamId: string,
  options: { signal?: AbortSignal },
): Promise<StreamInfo | null> {
  ctx.ensureOpen();
  validateStreamId(streamId);
  throwIfAborted(options.signal);
  const head = await raceAbort(ctx.storage.getStream(streamId, options), options.signal);
  // Like a read, the head of a tombstoned stream says it was deleted rather than passing for a stream never made.
  if (head?.tombstoned) throw new StreamDeletedError(streamId);
  if (!head) return head;
  // The first revision retention keeps (1 without retention; past the head when it hides every event).
  const { stored, retention } = await fetchRetentionState(ctx, streamId, options.signal);
  let firstRevision = await firstKeptWithAge(ctx, streamId, retention, head.revision, options.signal);
  // Scavenging may have removed events retention no longer hides (it was relaxed since): the first event stored
  // tells. One index probe, only for streams that have metadata (no other stream is ever scavenged).
  if (stored && ctx.capabilities.scavenge && firstRevision <= head.revision) {
    const query = { from: firstRevision, direction: 'forward' as const, limit: 1 };
    const [first] = await raceAbort(ctx.storage.readStream(streamId, query, options), options.signal);
    firstRevision = first?.revision ?? head.revision + 1;
  }
  return { revision: head.revision, createdAt: head.createdAt, updatedAt: head.updatedAt, firstRevision };
}

/** The store's reads as subscriptions use them (narrow: they need no more of the store). */
export function logReader(ctx: StoreContext): LogReader {
  return {
    capabilities: ctx.capabilities,
    read: (streamId, readOptions) => streamEvents(ctx, streamId, readOptions),
    readAll: (readOptions) => logEvents(ctx, readOptions, undefined),
    getStream: (streamId, callOptions) => getStream(ctx, streamId, callOptions),
    hideRetained: async (page, signal) => {
      const hide = logRetentionFilter(ctx, signal);
      return hide ? hide(page) : [...page];
    },
    decode: (stored) => toRecordedEvent(stored, ctx.serializer),
  };
}

/** `store.headPosition`: the global log's end, from the backend's `headPosition` or by paging through the log. */
export async function headPosition(ctx: StoreContext, options: { signal?: AbortSignal }): Promise<string | undefined> {
  ctx.ensureOpen();
  if (!ctx.capabilities.globalOrder) {
    throw new NotSupportedError('globalOrder', `The ${ctx.storage.name} backend keeps no global log: it has no head position`);
  }
  throwIfAborted(options.signal);
  const signal = options.signal ?? new AbortController().signal;
  return raceAbort(logEndPosition(logReader(ctx), ctx.storage, signal), options.signal);
}
