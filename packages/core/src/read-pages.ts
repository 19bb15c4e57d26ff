import { raceAbort, throwIfAborted } from './abort.js';
import { NotSupportedError, StorageCorruptedError, StreamDeletedError, ValidationError } from './errors.js';
import type { StreamSummary } from './model.js';
import type { StoredEvent, StreamStorage } from './storage-spi.js';
import type { ListStreamsOptions, ReadOptions, StoreCapabilities } from './store-options.js';
import { validatePageSize, validateRevision, validateStreamId } from './validation.js';

/** What the page fetchers of a store's reads need from the store. */
export interface PageSource {
  readonly storage: StreamStorage<object>;
  readonly capabilities: StoreCapabilities;
  /** The store's default page size. */
  readonly pageSize: number;
  /** Throws `StoreClosedError` once the store is closed. */
  ensureOpen(): void;
}

/** The page fetcher of a stream read; validates on the first call, so errors surface from the iteration. */
export function streamPages(
  source: PageSource,
  rawStreamId: string,
  options: ReadOptions,
): () => Promise<readonly StoredEvent[] | undefined> {
  let state: { streamId: string; forward: boolean; from: number; remaining: number; pageSize: number } | undefined;
  let previous: number | undefined;
  return async () => {
    source.ensureOpen();
    if (!state) state = validateStreamRead(source, rawStreamId, options);
    const { streamId, forward, pageSize } = state;
    if (state.remaining <= 0 || state.from < 1) return undefined;
    throwIfAborted(options.signal);
    const limit = Math.min(pageSize, state.remaining);
    const direction = forward ? 'forward' : 'backward';
    const page = await raceAbort(
      source.storage.readStream(streamId, { from: state.from, direction, limit }, { signal: options.signal }),
      options.signal,
    );
    for (const stored of page) {
      checkOrder(streamId, previous, stored.revision, forward);
      previous = stored.revision;
    }
    // An empty first page may be a tombstone, which the read reports (KurrentDB's StreamDeleted) rather than
    // passing for a missing stream: one head lookup, paid only by reads that find nothing.
    if (previous === undefined && page.length === 0 && source.capabilities.tombstones) {
      const head = await raceAbort(source.storage.getStream(streamId, { signal: options.signal }), options.signal);
      if (head?.tombstoned) throw new StreamDeletedError(streamId);
    }
    state.remaining = page.length < limit || previous === undefined ? 0 : state.remaining - page.length;
    if (previous !== undefined) state.from = forward ? previous + 1 : previous - 1;
    return page.length === 0 ? undefined : page;
  };
}

function validateStreamRead(source: PageSource, rawStreamId: string, options: ReadOptions) {
  const streamId = validateStreamId(rawStreamId);
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ValidationError('direction', `direction must be 'forward' or 'backward', got '${String(direction)}'`);
  }
  if (direction === 'backward' && !source.capabilities.backwardRead) {
    throw new NotSupportedError('backwardRead', `The ${source.storage.name} backend cannot read streams backwards`);
  }
  const forward = direction === 'forward';
  const from =
    options.from === undefined
      ? forward
        ? 1
        : Number.MAX_SAFE_INTEGER
      : Math.max(validateRevision(options.from, 'from'), forward ? 1 : 0);
  const remaining = options.maxCount === undefined ? Number.POSITIVE_INFINITY : validateRevision(options.maxCount, 'maxCount');
  const pageSize = options.pageSize === undefined ? source.pageSize : validatePageSize(options.pageSize, 'pageSize');
  return { streamId, forward, from, remaining, pageSize };
}

function checkOrder(streamId: string, previous: number | undefined, revision: number, forward: boolean): void {
  if (previous === undefined) return;
  if (forward ? revision <= previous : revision >= previous) {
    throw new StorageCorruptedError(
      `Backend returned stream '${streamId}' out of order (revision ${revision} after ${previous})`,
    );
  }
}

/** The streams of a store ordered by id, page by page (capability `listStreams`); validates on the first call. */
export async function* listStreamPages(source: PageSource, options: ListStreamsOptions): AsyncGenerator<StreamSummary> {
  source.ensureOpen();
  const storage = source.storage;
  if (!source.capabilities.listStreams || !storage.listStreams) {
    throw new NotSupportedError('listStreams', `The ${storage.name} backend cannot list streams`);
  }
  let after = options.after === undefined ? undefined : validateStreamId(options.after, 'after');
  const prefix = options.prefix === undefined || options.prefix === '' ? undefined : validateStreamId(options.prefix, 'prefix');
  let remaining = options.maxCount === undefined ? Number.POSITIVE_INFINITY : validateRevision(options.maxCount, 'maxCount');
  const pageSize = options.pageSize === undefined ? source.pageSize : validatePageSize(options.pageSize, 'pageSize');
  while (remaining > 0) {
    throwIfAborted(options.signal);
    const limit = Math.min(pageSize, remaining);
    const query = prefix === undefined ? { after, limit } : { after, prefix, limit };
    const page = await raceAbort(storage.listStreams(query, { signal: options.signal }), options.signal);
    for (const stream of page) {
      // A storage written before prefixes existed ignores them: its pages are then filtered here.
      if (prefix !== undefined && !stream.streamId.startsWith(prefix)) continue;
      remaining--;
      yield stream;
    }
    if (page.length < limit) return;
    after = page[page.length - 1]?.streamId;
  }
}
