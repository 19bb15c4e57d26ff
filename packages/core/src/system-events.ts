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
