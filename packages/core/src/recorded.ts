import { SerializationError } from './errors.js';
import type { EventEnvelope, RecordedEvent } from './model.js';
import type { DecodeErrorPolicy, EventSerializer } from './serialization/serializer.js';
import type { StoredEvent } from './storage-spi.js';

// Events of a stream nearly always share one envelope: reuse the frozen object instead of allocating one per event.
let lastEnvelope: EventEnvelope = Object.freeze({ format: 'json', compression: null, schemaVersion: 1 });

function envelopeOf(stored: StoredEvent): EventEnvelope {
  const last = lastEnvelope;
  if (last.format === stored.format && last.compression === stored.compression && last.schemaVersion === stored.schemaVersion) {
    return last;
  }
  lastEnvelope = Object.freeze({ format: stored.format, compression: stored.compression, schemaVersion: stored.schemaVersion });
  return lastEnvelope;
}

/**
 * Turns a stored event into the public `RecordedEvent`, decoding its payload by its envelope. An undecodable event
 * throws a `SerializationError` naming its stream, revision and type (`stop`), is left out (`skip`, returns
 * undefined) or is returned with its raw payload and metadata text (`raw`).
 */
export function toRecordedEvent(
  stored: StoredEvent,
  serializer: EventSerializer,
  policy: DecodeErrorPolicy = serializer.onDecodeError,
): RecordedEvent | undefined {
  let decoded: ReturnType<EventSerializer['decode']>;
  try {
    decoded = serializer.decode(stored);
  } catch (error) {
    if (!(error instanceof SerializationError)) throw error;
    if (policy === 'skip') return undefined;
    if (policy === 'stop') {
      const named = new SerializationError(
        error.field,
        `Event ${stored.revision} ('${stored.type}', id '${stored.id}') of stream '${stored.streamId}' cannot be read: ${error.message}`,
        { cause: error.cause ?? error },
      );
      named.streamId = stored.streamId;
      named.revision = stored.revision;
      named.eventType = stored.type;
      throw named;
    }
    decoded = { data: stored.data, metadata: { raw: stored.metadata }, schemaVersion: stored.schemaVersion };
  }
  const event: RecordedEvent = {
    streamId: stored.streamId,
    // A system event (a delete's) occupies no revision: backends store it below 1, uniquely; readers see 0.
    revision: Math.max(stored.revision, 0),
    id: stored.id,
    type: stored.type,
    data: decoded.data,
    metadata: decoded.metadata as RecordedEvent['metadata'],
    timestamp: new Date(stored.timestamp),
    recordedAt: new Date(stored.recordedAt),
    schemaVersion: decoded.schemaVersion,
    envelope: envelopeOf(stored),
  };
  if (stored.position !== undefined) event.position = stored.position;
  return event;
}
