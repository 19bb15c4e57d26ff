import { raceAbort, throwIfAborted } from './abort.js';
import { NotSupportedError, StorageCorruptedError, StreamDeletedError, ValidationError } from './errors.js';
import type { StreamSummary } from './model.js';
import type { PageSource } from './page-source.js';
import { fetchHead, fetchRetention, firstKeptRevision, retentionOf, type StreamRetention, tooOld } from './retention.js';
import type { StoredEvent } from './storage-spi.js';
import type { ListStreamsOptions, ReadOptions } from './store-options.js';
import { decodeStreamMetadata } from './stream-metadata.js';
import { validatePageSize, validateRevision, validateStreamId } from './validation.js';

export type { PageSource } from './page-source.js';

/**
 * The page fetcher of a stream read; validates on the first call, so errors surface from the iteration. Applies the
 * stream's retention (see retention.ts): starts at the first kept revision, never returns a hidden event, and ends a
 * backward read at the first hidden one.
 */
export function streamPages(
  source: PageSource,
  rawStreamId: string,
  options: ReadOptions,
): () => Promise<readonly StoredEvent[] | undefined> {
  let state: StreamReadState | undefined;
  let previous: number | undefined;
  return async () => {
    source.ensureOpen();
    if (!state) state = await startStreamRead(source, rawStreamId, options);
    const { streamId, forward, pageSize } = state;
    if (state.remaining <= 0 || state.from < 1) return undefined;
    throwIfAborted(options.signal);
    let limit = Math.min(pageSize, state.remaining);
    // Backward, the kept revisions end at the first kept one: read no row below it.
    if (!forward && state.head !== undefined)
      limit = Math.min(limit, state.from - firstKeptRevision(state.retention, state.head) + 1);
    if (limit <= 0) return undefined;
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
    const kept = state.retention ? keptOf(state, page) : page;
    state.remaining = page.length < limit || previous === undefined ? 0 : state.remaining - kept.length;
    if (kept.length < page.length && !forward) state.remaining = 0;
    if (previous !== undefined) state.from = forward ? previous + 1 : previous - 1;
    return page.length === 0 ? undefined : kept;
  };
}

interface StreamReadState {
  streamId: string;
  forward: boolean;
  from: number;
  remaining: number;
  pageSize: number;
  retention: StreamRetention | undefined;
  /** The newest head known (read at the start when `maxCount` needs it, raised by the revisions read since). */
  head: number | undefined;
}

/** Validates the read, then fetches the stream's retention (only where the backend stores metadata). */
async function startStreamRead(source: PageSource, rawStreamId: string, options: ReadOptions): Promise<StreamReadState> {
  const read = validateStreamRead(source, rawStreamId, options);
  const { retention, head } = await retentionAndHead(source, read.streamId, options.signal);
  if (!retention) return { ...read, retention, head: undefined };
  const firstKept = firstKeptRevision(retention, head ?? 0);
  // One index range: a forward read starts at the first kept revision, a backward one at the head at most.
  const from = read.forward ? Math.max(read.from, firstKept) : Math.min(read.from, head ?? read.from);
  return { ...read, from, retention, head };
}

/**
 * The stream's retention and, when `maxCount` needs it, its head: one `getStreamMetadataMany` call where the backend
 * has it (metadata and head together), else `getStreamMetadata` and, for a `maxCount`, `getStream`.
 */
async function retentionAndHead(
  source: PageSource,
  streamId: string,
  signal: AbortSignal | undefined,
): Promise<{ retention: StreamRetention | undefined; head: number | undefined }> {
  const many = source.capabilities.streamMetadata ? source.storage.getStreamMetadataMany?.bind(source.storage) : undefined;
  if (many) {
    const entry = (await raceAbort(many([streamId], { signal }), signal)).get(streamId);
    const retention = entry ? retentionOf(decodeStreamMetadata(streamId, entry.json), Date.now()) : undefined;
    if (retention?.maxCount === undefined) return { retention, head: undefined };
    // A tombstone's head reads as 0 here: only then is the head itself asked, which reports the tombstone.
    const head = entry?.head ?? 0;
    if (head === 0 && source.capabilities.tombstones) await fetchHead(source, streamId, signal);
    return { retention, head };
  }
  const retention = await fetchRetention(source, streamId, signal);
  if (retention?.maxCount === undefined) return { retention, head: undefined };
  return { retention, head: (await fetchHead(source, streamId, signal))?.revision ?? 0 };
}

/** The events of `page` retention keeps; the head known grows with what the page shows (concurrent appends). */
function keptOf(state: StreamReadState, page: readonly StoredEvent[]): readonly StoredEvent[] {
  const { retention } = state;
  if (state.head !== undefined) for (const event of page) state.head = Math.max(state.head, event.revision);
  const firstKept = firstKeptRevision(retention, state.head ?? 0);
  const kept: StoredEvent[] = [];
  for (const event of page) {
    if (event.revision >= firstKept && !tooOld(retention, event)) kept.push(event);
    else if (!state.forward) break;
  }
  return kept;
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
