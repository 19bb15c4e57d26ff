import type { StreamInfo, StreamSummary } from '@streamstore/core';
import type { EventLocation, StoredEvent } from '@streamstore/core/storage';

/** Columns of an event row, in the order of {@link EVENT_COLUMNS}; read in raw (array) mode to skip an object per row. */
export type EventRow = [
  position: number,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  format: string,
  compression: string | null,
  dataText: string | null,
  dataBlob: Buffer | null,
  metadata: string | null,
  timestamp: number,
  recordedAt: number,
];

/** The select list matching {@link EventRow}. */
export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, format, compression, data_text, data_blob, metadata, timestamp, recorded_at';

/** Turns an event row into the SPI's stored event. Binary payloads come back as a Uint8Array view (no copy). */
export function toStoredEvent(row: EventRow): StoredEvent {
  const blob = row[9];
  return {
    streamId: row[1],
    revision: row[2],
    position: String(row[0]),
    id: row[3],
    type: row[4],
    schemaVersion: row[5],
    format: row[6],
    compression: row[7],
    data: blob === null ? (row[8] ?? '') : new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength),
    metadata: row[10],
    timestamp: row[11],
    recordedAt: row[12],
  };
}

/** Columns of a stream head row: stream_id, revision, created_at, updated_at. */
export type StreamRow = [streamId: string, revision: number, createdAt: number, updatedAt: number];

/** A head row as `StreamInfo`. */
export function toStreamInfo(row: StreamRow): StreamInfo {
  return { revision: row[1], createdAt: new Date(row[2]), updatedAt: new Date(row[3]) };
}

/** A head row as `StreamSummary`. */
export function toStreamSummary(row: StreamRow): StreamSummary {
  return { streamId: row[0], revision: row[1], createdAt: new Date(row[2]), updatedAt: new Date(row[3]) };
}

/** Columns of a `findEvents` row: event_id, revision, position. */
export type LocationRow = [eventId: string, revision: number, position: number, digest: string | null];

/** A location row as `EventLocation`; rows written before digests were stored have none. */
export function toEventLocation(row: LocationRow): EventLocation {
  const location: EventLocation = { id: row[0], revision: row[1], position: String(row[2]) };
  if (row[3] !== null) location.digest = row[3];
  return location;
}
