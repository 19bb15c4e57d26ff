import type { EncodedEventContent } from './storage-spi.js';

/**
 * Type of the system event a delete appends to the global log (backends with capability `streamDeletedEvents`): one
 * per effective delete, soft or hard, in the deleted stream's category, so that consumers of the log (projections,
 * relays) learn of deletes in order with the events they saw. It occupies no revision of the stream: its `revision`
 * reads 0 and plain stream reads never return it.
 */
export const STREAM_DELETED_EVENT_TYPE = '$streamDeleted';

/** The data of a {@link STREAM_DELETED_EVENT_TYPE} event. */
export interface StreamDeletedData {
  /** The deleted stream. */
  streamId: string;
  /** The revision the stream had when it was deleted (0 for a tombstone placed on a stream with no events). */
  revision: number;
  /** Whether the delete was a tombstone (`hard: true`): the stream can never be written again. */
  hard: boolean;
}

/**
 * The encoded content of the system event a backend stores for a delete: plain JSON, schema version 1, no metadata.
 * `id` must be unique among the stream's stored ids over all its lives (a random UUID does).
 */
export function streamDeletedEvent(id: string, data: StreamDeletedData, timestamp: number): EncodedEventContent {
  return {
    id,
    type: STREAM_DELETED_EVENT_TYPE,
    schemaVersion: 1,
    format: 'json',
    compression: null,
    data: JSON.stringify({ streamId: data.streamId, revision: data.revision, hard: data.hard }),
    metadata: null,
    timestamp,
  };
}

/**
 * Type of the system event a metadata write appends to the global log (backends with capability
 * `streamTruncatedEvents`) when it changes the stream's `truncateBefore` setting: raised, lowered, set or removed. It
 * lies in the stream's category, occupies no revision (its `revision` reads 0) and plain stream reads never return
 * it, like {@link STREAM_DELETED_EVENT_TYPE}. `maxCount` and `maxAgeSeconds` never append one: they hide events
 * continuously, not at one point of the log.
 */
export const STREAM_TRUNCATED_EVENT_TYPE = '$streamTruncated';

/** The data of a {@link STREAM_TRUNCATED_EVENT_TYPE} event. */
export interface StreamTruncatedData {
  /** The stream whose metadata changed. */
  streamId: string;
  /** The new `truncateBefore` setting (events below it are hidden), or null when the write removed it. */
  truncateBefore: number | null;
  /** The setting before the write, or null when there was none (no metadata, or metadata without it). */
  previousTruncateBefore: number | null;
}

/**
 * The encoded content of the system event a backend stores for a truncation: plain JSON, schema version 1, no
 * metadata. `id` must be unique among the stream's stored ids over all its lives (a random UUID does).
 */
export function streamTruncatedEvent(id: string, data: StreamTruncatedData, timestamp: number): EncodedEventContent {
  return {
    id,
    type: STREAM_TRUNCATED_EVENT_TYPE,
    schemaVersion: 1,
    format: 'json',
    compression: null,
    data: JSON.stringify({
      streamId: data.streamId,
      truncateBefore: data.truncateBefore,
      previousTruncateBefore: data.previousTruncateBefore,
    }),
    metadata: null,
    timestamp,
  };
}

/** The `truncateBefore` setting of a stored metadata document (the core's JSON encoding), or null when it has none. */
function truncateBeforeOf(json: string | null): number | null {
  if (json === null) return null;
  const value = (JSON.parse(json) as { truncateBefore?: unknown }).truncateBefore;
  return typeof value === 'number' ? value : null;
}

/**
 * What a metadata write replacing the stored document `previousJson` (null: never set) by `json` must append, for a
 * backend with capability `streamTruncatedEvents`: the data of the `$streamTruncated` event when the `truncateBefore`
 * setting differs between the two documents (an absent setting counts as null), or null when the write appends
 * nothing. Backends call it inside the atomic step of the write, on the document they read in that step.
 */
export function streamTruncation(streamId: string, previousJson: string | null, json: string): StreamTruncatedData | null {
  const previousTruncateBefore = truncateBeforeOf(previousJson);
  const truncateBefore = truncateBeforeOf(json);
  return truncateBefore === previousTruncateBefore ? null : { streamId, truncateBefore, previousTruncateBefore };
}
