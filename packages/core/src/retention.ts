/**
 * Retention on reads: what a stream's metadata (`maxCount`, `maxAgeSeconds`, `truncateBefore`) hides. The settings
 * are applied when events are read, never when they are written (the append path pays nothing); scavenging
 * (scavenge.ts) removes physically what they hide. Revisions keep their numbers: a truncated stream reads from its
 * first kept revision.
 */
import { raceAbort } from './abort.js';
import { StreamDeletedError } from './errors.js';
import type { PageSource } from './page-source.js';
import type { StoredEvent, StreamHead } from './storage-spi.js';
import { decodeStreamMetadata, type StreamMetadata } from './stream-metadata.js';

/** The retention settings of one stream, as reads apply them. */
export interface StreamRetention {
  /** Events below this revision are hidden (0 or 1: none). */
  truncateBefore: number;
  /** At most this many of the newest events are kept. */
  maxCount: number | undefined;
  /** Events recorded (server time, ms) before this instant are hidden; computed once per read. */
  cutoff: number | undefined;
}

/** The retention `metadata` asks for, evaluated at `now` (ms); undefined when it sets none. */
export function retentionOf(metadata: StreamMetadata, now: number): StreamRetention | undefined {
  const { maxCount, maxAgeSeconds, truncateBefore } = metadata;
  if (maxCount === undefined && maxAgeSeconds === undefined && (truncateBefore ?? 0) <= 1) return undefined;
  return {
    truncateBefore: truncateBefore ?? 0,
    maxCount,
    cutoff: maxAgeSeconds === undefined ? undefined : now - maxAgeSeconds * 1000,
  };
}

/**
 * The first revision that `maxCount` and `truncateBefore` keep when the stream's head is at `head`:
 * max(truncateBefore, head - maxCount + 1, 1). It may lie past the head (every event hidden).
 */
export function firstKeptRevision(retention: StreamRetention | undefined, head: number): number {
  if (!retention) return 1;
  const byCount = retention.maxCount === undefined ? 1 : head - retention.maxCount + 1;
  return Math.max(retention.truncateBefore, byCount, 1);
}

/** Whether `event` is too old for `retention` (its `recordedAt`, the server's commit time, before the cutoff). */
export function tooOld(retention: StreamRetention | undefined, event: StoredEvent): boolean {
  return retention?.cutoff !== undefined && event.recordedAt < retention.cutoff;
}

/**
 * The stream's retention, read from its metadata: one storage call, made only when the backend has the
 * `streamMetadata` capability (otherwise nothing is hidden and nothing is read). Nothing is cached: a metadata change
 * applies to the next read. `stored` says whether the stream has metadata at all (only such streams are scavenged).
 */
export async function fetchRetentionState(
  source: PageSource,
  streamId: string,
  signal: AbortSignal | undefined,
): Promise<{ stored: boolean; retention: StreamRetention | undefined }> {
  const { storage } = source;
  if (!source.capabilities.streamMetadata || !storage.getStreamMetadata) return { stored: false, retention: undefined };
  const stored = await raceAbort(storage.getStreamMetadata(streamId, { signal }), signal);
  if (stored === null) return { stored: false, retention: undefined };
  return { stored: true, retention: retentionOf(decodeStreamMetadata(streamId, stored.json), Date.now()) };
}

/** The stream's retention (see {@link fetchRetentionState}), undefined when it has none. */
export async function fetchRetention(
  source: PageSource,
  streamId: string,
  signal: AbortSignal | undefined,
): Promise<StreamRetention | undefined> {
  return (await fetchRetentionState(source, streamId, signal)).retention;
}

/** The stream's head, throwing `StreamDeletedError` for a tombstone (as reads report it). */
export async function fetchHead(
  source: PageSource,
  streamId: string,
  signal: AbortSignal | undefined,
): Promise<StreamHead | null> {
  const head = await raceAbort(source.storage.getStream(streamId, { signal }), signal);
  if (head?.tombstoned) throw new StreamDeletedError(streamId);
  return head;
}

/**
 * The first revision retention keeps, `maxAgeSeconds` included: past `maxCount`/`truncateBefore`, the first event
 * young enough (found by reading forward from there, so it costs a read of the too-old events scavenging has not
 * removed yet). `head + 1` when every event is hidden.
 */
export async function firstKeptWithAge(
  source: PageSource,
  streamId: string,
  retention: StreamRetention | undefined,
  head: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  let from = firstKeptRevision(retention, head);
  if (retention?.cutoff === undefined) return from;
  while (from <= head) {
    const limit = Math.min(source.pageSize, head - from + 1);
    const page = await raceAbort(source.storage.readStream(streamId, { from, direction: 'forward', limit }, { signal }), signal);
    const young = page.find((event) => !tooOld(retention, event));
    if (young) return young.revision;
    const last = page[page.length - 1];
    if (!last) return head + 1;
    from = last.revision + 1;
  }
  return from;
}

/** What hides events of one stream on a page of the log: its retention and its first kept revision. */
interface PageRule {
  retention: StreamRetention;
  firstKept: number;
}

/**
 * A filter for pages of the global log or a category: drops the events their stream's retention hides. The metadata
 * of the page's streams (and, for those that set `maxCount`, their heads) is fetched once per page, only when the
 * backend has the `streamMetadata` capability: in one storage call where the backend has `getStreamMetadataMany`,
 * else per stream. `$streamDeleted` events (revision 0) are never hidden.
 */
export function logRetentionFilter(
  source: PageSource,
  signal: AbortSignal | undefined,
): ((page: readonly StoredEvent[]) => Promise<StoredEvent[]>) | undefined {
  if (!source.capabilities.streamMetadata || !source.storage.getStreamMetadata) return undefined;
  return async (page) => {
    const newest = new Map<string, number>();
    for (const event of page) {
      if (event.revision >= 1) newest.set(event.streamId, Math.max(newest.get(event.streamId) ?? 0, event.revision));
    }
    if (newest.size === 0) return page as StoredEvent[];
    const rules = source.storage.getStreamMetadataMany
      ? await batchedRules(source, newest, signal)
      : await perStreamRules(source, newest, signal);
    if (rules.size === 0) return page as StoredEvent[];
    return page.filter((event) => {
      const rule = event.revision >= 1 ? rules.get(event.streamId) : undefined;
      return !rule || (event.revision >= rule.firstKept && !tooOld(rule.retention, event));
    });
  };
}

/** The rules of a page's streams from one `getStreamMetadataMany` call (metadata and heads together). */
async function batchedRules(
  source: PageSource,
  newest: ReadonlyMap<string, number>,
  signal: AbortSignal | undefined,
): Promise<Map<string, PageRule>> {
  const fetchMany = source.storage.getStreamMetadataMany?.bind(source.storage);
  const rules = new Map<string, PageRule>();
  if (!fetchMany) return rules;
  const stored = await raceAbort(fetchMany([...newest.keys()], { signal }), signal);
  const now = Date.now();
  for (const [streamId, newestInPage] of newest) {
    const entry = stored.get(streamId);
    if (!entry) continue;
    const retention = retentionOf(decodeStreamMetadata(streamId, entry.json), now);
    if (!retention) continue;
    // The head only grows: the newest revision of the page is a lower bound when the stream was deleted since.
    rules.set(streamId, { retention, firstKept: firstKeptRevision(retention, Math.max(newestInPage, entry.head)) });
  }
  return rules;
}

/** The rules of a page's streams, a `getStreamMetadata` call per stream (and a `getStream` per `maxCount`). */
async function perStreamRules(
  source: PageSource,
  newest: ReadonlyMap<string, number>,
  signal: AbortSignal | undefined,
): Promise<Map<string, PageRule>> {
  const rules = new Map<string, PageRule>();
  await Promise.all(
    [...newest].map(async ([streamId, newestInPage]) => {
      const retention = await fetchRetention(source, streamId, signal);
      if (!retention) return;
      // The head only grows: the newest revision of the page is a lower bound when the stream was deleted since.
      const head =
        retention.maxCount === undefined
          ? newestInPage
          : Math.max(newestInPage, (await raceAbort(source.storage.getStream(streamId, { signal }), signal))?.revision ?? 0);
      rules.set(streamId, { retention, firstKept: firstKeptRevision(retention, head) });
    }),
  );
  return rules;
}
