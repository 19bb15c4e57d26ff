import { SerializationError, StorageCorruptedError } from './errors.js';
import type { RecordedEvent } from './model.js';
import type { EventSerializer } from './serialization/serializer.js';
import type { StoredEvent } from './storage.js';

/** Turns a stored event into the public `RecordedEvent`, decoding its payload by its envelope. */
export function toRecordedEvent(stored: StoredEvent, serializer: EventSerializer): RecordedEvent {
  let decoded: ReturnType<EventSerializer['decode']>;
  try {
    decoded = serializer.decode(stored);
  } catch (error) {
    if (error instanceof SerializationError) {
      throw new StorageCorruptedError(
        `Event ${stored.revision} of stream '${stored.streamId}' cannot be read: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
  const event: RecordedEvent = {
    streamId: stored.streamId,
    revision: stored.revision,
    id: stored.id,
    type: stored.type,
    data: decoded.data,
    metadata: decoded.metadata as RecordedEvent['metadata'],
    timestamp: new Date(stored.timestamp),
    recordedAt: new Date(stored.recordedAt),
    schemaVersion: stored.schemaVersion,
  };
  if (stored.position !== undefined) event.position = stored.position;
  return event;
}
