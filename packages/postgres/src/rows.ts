import type { StoredEvent, StreamHead } from '@streamstore/core/storage';

/** A row of the events table as selected by the queries of `queries.ts` (int8 columns arrive as strings). */
export interface EventRow {
  stream_id: string;
  revision: string;
  position: string;
  event_id: string;
  type: string;
  schema_version: number;
  format: string;
  compression: string | null;
  data: string | null;
  data_bytes: Buffer | null;
  metadata: string | null;
  timestamp_ms: string;
  recorded_ms: string;
}

/** The core's view of a stored row. JSON that jsonb could not hold comes back from `data_bytes` as text. */
export function toStoredEvent(row: EventRow): StoredEvent {
  let data: string | Uint8Array;
  if (row.data !== null) data = row.data;
  else {
    const bytes = row.data_bytes as Buffer;
    data = row.format === 'json' && row.compression === null ? bytes.toString('utf8') : bytes;
  }
  return {
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    format: row.format,
    compression: row.compression,
    data,
    metadata: row.metadata,
    timestamp: Number(row.timestamp_ms),
    recordedAt: Number(row.recorded_ms),
  };
}

/** A stream's head from its row: a revision below 0 is a tombstone (migration 10), reported as such. */
export function headOf(revision: number, createdAt: Date, updatedAt: Date): StreamHead {
  return revision < 0 ? { revision: 0, createdAt, updatedAt, tombstoned: true } : { revision, createdAt, updatedAt };
}
