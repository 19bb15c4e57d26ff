/**
 * Scavenging (`store.scavenge`): removes for good the events that stream retention hides from reads, stream by
 * stream, in bounded batches (the storage's `removeEvents`, capability `scavenge`). Nothing is kept between runs: a
 * run stopped half-way (abort, crash) is resumed by running it again, which finds what is left.
 */
import { raceAbort, throwIfAborted } from './abort.js';
import { NotSupportedError, ValidationError } from './errors.js';
import { fetchRetention, firstKeptWithAge } from './retention.js';
import type { StreamStorage } from './storage-spi.js';
import type { StoreContext } from './store-context.js';
import { validateStreamId } from './validation.js';

/** Options of `store.scavenge`. */
export interface ScavengeOptions {
  /** The streams to scavenge; absent: every stream (needs capability `listStreams`). */
  streams?: readonly string[];
  /**
   * Events removed per storage call (one bounded statement or transaction). Default: the backend's own
   * (`scavengeBatchSize`: SQLite 500, PostgreSQL 5,000), else 1,000.
   */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after every batch and after every stream, with the totals so far and the stream at hand. */
  onProgress?: (progress: ScavengeProgress) => void;
}

/** What a scavenge did: streams looked at, events removed. */
export interface ScavengeResult {
  streamsVisited: number;
  eventsRemoved: number;
}

/** A scavenge's progress: the totals so far and the stream being scavenged. */
export interface ScavengeProgress extends ScavengeResult {
  streamId: string;
}

const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 100_000;

type RemovingStorage = StreamStorage<object> & Required<Pick<StreamStorage, 'removeEvents'>>;

/** `store.scavenge`: see {@link ScavengeOptions}. */
export async function scavenge(ctx: StoreContext, options: ScavengeOptions): Promise<ScavengeResult> {
  ctx.ensureOpen();
  const storage = ctx.storage;
  if (!ctx.capabilities.scavenge || !ctx.capabilities.streamMetadata || !storage.removeEvents) {
    throw new NotSupportedError('scavenge', `The ${storage.name} backend cannot remove events: scavenging is not available`);
  }
  const batchSize = options.batchSize ?? storage.scavengeBatchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new ValidationError('batchSize', `batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${String(batchSize)}`);
  }
  const explicit = options.streams?.map((id, i) => validateStreamId(id, `streams[${i}]`));
  if (!explicit && (!ctx.capabilities.listStreams || !storage.listStreams)) {
    throw new NotSupportedError('listStreams', `The ${storage.name} backend cannot list streams: pass the streams to scavenge`);
  }
  const totals: ScavengeResult = { streamsVisited: 0, eventsRemoved: 0 };
  for await (const streamId of explicit ?? listAll(ctx, options.signal)) {
    throwIfAborted(options.signal);
    totals.eventsRemoved += await scavengeStream(ctx, storage as RemovingStorage, streamId, batchSize, options, totals);
    totals.streamsVisited++;
    options.onProgress?.({ ...totals, streamId });
  }
  return totals;
}

/** Every stream id, page by page (one page in memory at a time). */
async function* listAll(ctx: StoreContext, signal: AbortSignal | undefined): AsyncGenerator<string> {
  const list = ctx.storage.listStreams?.bind(ctx.storage) as NonNullable<StreamStorage['listStreams']>;
  let after: string | undefined;
  for (;;) {
    const page = await raceAbort(list({ limit: ctx.pageSize, ...(after === undefined ? {} : { after }) }, { signal }), signal);
    for (const stream of page) yield stream.streamId;
    if (page.length < ctx.pageSize) return;
    after = page[page.length - 1]?.streamId;
  }
}

/**
 * Removes what the stream's retention hides, below its head (the head event always stays, so the stream's revision
 * stays known), batch after batch; resolves how many events it removed.
 */
async function scavengeStream(
  ctx: StoreContext,
  storage: RemovingStorage,
  streamId: string,
  batchSize: number,
  options: ScavengeOptions,
  totals: ScavengeResult,
): Promise<number> {
  const { signal } = options;
  const retention = await fetchRetention(ctx, streamId, signal);
  if (!retention) return 0;
  const head = await raceAbort(storage.getStream(streamId, { signal }), signal);
  if (!head || head.tombstoned || head.revision < 1) return 0;
  const firstKept = await firstKeptWithAge(ctx, streamId, retention, head.revision, signal);
  const beforeRevision = Math.min(firstKept, head.revision);
  let removed = 0;
  for (;;) {
    throwIfAborted(signal);
    const batch = await raceAbort(
      storage.removeEvents(streamId, { beforeRevision, limit: batchSize, minHead: head.revision }, { signal }),
      signal,
    );
    removed += batch.removed;
    if (batch.removed > 0) options.onProgress?.({ ...totals, eventsRemoved: totals.eventsRemoved + removed, streamId });
    if (batch.removed < batchSize) return removed;
    // Let the other work of the process run between batches: a synchronous backend (SQLite) would otherwise keep the
    // event loop through the whole stream, and concurrent commits would wait for the last batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
