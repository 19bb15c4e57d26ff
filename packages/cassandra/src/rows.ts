import { StorageCorruptedError } from '@streamstore/core';
import type { StoredEvent } from '@streamstore/core/storage';
import type { types } from 'cassandra-driver';
import { toNumber } from './session.js';

/** An event row as read back into the SPI's `StoredEvent`. */
export function toStoredEvent(streamId: string, row: types.Row): StoredEvent {
  const revision = toNumber(row.seq);
  const format = row.format as string | null;
  if (revision === null || format === null || row.type === null) {
    throw new StorageCorruptedError(`Stream '${streamId}' has an incomplete event row`);
  }
  const text = row.data_text as string | null;
  const blob = row.data_blob as Buffer | null;
  const data = text ?? (blob ? new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength) : null);
  if (data === null) throw new StorageCorruptedError(`Stream '${streamId}' revision ${revision} has no payload`);
  // With the change feed, event rows carry their global position (absent on rows written before it was on).
  const position = row.feed_position as string | null | undefined;
  return {
    ...(typeof position === 'string' ? { position } : {}),
    streamId,
    revision,
    id: row.event_id as string,
    type: row.type as string,
    schemaVersion: (row.schema_version as number | null) ?? 1,
    format,
    compression: (row.compression as string | null) ?? null,
    data,
    metadata: (row.metadata as string | null) ?? null,
    timestamp: (row.event_time as Date | null)?.getTime() ?? 0,
    recordedAt: (row.recorded_at as Date | null)?.getTime() ?? 0,
  };
}
