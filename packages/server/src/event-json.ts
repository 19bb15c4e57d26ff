/** The JSON shape of events and streams in API responses. */
import type { RecordedEvent, StreamSummary } from '@streamstore/core';

/** An event as the API returns it. */
export interface EventJson {
  streamId: string;
  revision: number;
  position: string | null;
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  timestamp: string;
  recordedAt: string;
}

// Date#toISOString is the dearest part of an event's JSON, and the events of one commit share their times: the
// last conversions are remembered (a page of 100 events typically formats 2 dates instead of 200).
const isoCache = new Map<number, string>();
function iso(date: Date): string {
  const time = date.getTime();
  let text = isoCache.get(time);
  if (text === undefined) {
    if (isoCache.size >= 64) isoCache.clear();
    text = date.toISOString();
    isoCache.set(time, text);
  }
  return text;
}

/** The API shape of a recorded event (binary data as base64, dates as ISO 8601). */
export function eventJson(event: RecordedEvent): EventJson {
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: event.position ?? null,
    id: event.id,
    type: event.type,
    data: event.data instanceof Uint8Array ? { $base64: Buffer.from(event.data).toString('base64') } : event.data,
    metadata: event.metadata ?? {},
    timestamp: iso(event.timestamp),
    recordedAt: iso(event.recordedAt),
  };
}

/** The API shape of a stream summary. */
export function streamJson(stream: StreamSummary) {
  return {
    streamId: stream.streamId,
    revision: stream.revision,
    createdAt: stream.createdAt.toISOString(),
    updatedAt: stream.updatedAt.toISOString(),
  };
}
