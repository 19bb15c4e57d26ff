import { CommitSizeCheck } from './commit-size.js';
import { LimitExceededError, ValidationError } from './errors.js';
import type { TraceContext } from './instrumentation.js';
import type { StoreLimits } from './limits.js';
import type { EventData } from './model.js';
import type { EventSerializer } from './serialization/serializer.js';
import type { EncodedEvent } from './storage-spi.js';
import { appendTraceContext, traceContextMembers, withTraceContext } from './trace-context.js';
import { validateEventId, validateEventType, validateTimestamp } from './validation.js';

const METADATA_KEY = /^[^\u0000-\u001f\u007f-\u009f]{1,256}$/;

/**
 * Type names and metadata keys repeat from event to event: remember the ones already found valid (a bounded set,
 * cleared when full) so the hot path skips their checks.
 */
class ValidNames {
  private readonly names = new Set<string>();
  has(name: string): boolean {
    return this.names.has(name);
  }
  add(name: string): void {
    if (this.names.size >= 4096) this.names.clear();
    this.names.add(name);
  }
}
const validTypes = new ValidNames();
const validMetadataKeys = new ValidNames();

function validateMetadata(field: string, metadata: unknown): void {
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValidationError(field, 'Metadata must be a plain object of custom properties');
  }
  for (const key of Object.keys(metadata)) {
    if (validMetadataKeys.has(key)) continue;
    if (!METADATA_KEY.test(key) || !key.isWellFormed()) {
      throw new ValidationError(`${field}.${key}`, 'Metadata keys must be 1-256 characters without control characters');
    }
    validMetadataKeys.add(key);
  }
}

function payloadBytes(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
}

function checkSize(field: string, encoded: EncodedEvent, limits: StoreLimits): void {
  // Cheap upper bound first: a UTF-16 string never takes more than 3 UTF-8 bytes per code unit.
  const dataUpper = typeof encoded.data === 'string' ? encoded.data.length * 3 : encoded.data.byteLength;
  const metaUpper = encoded.metadata === null ? 0 : encoded.metadata.length * 3;
  if (dataUpper + metaUpper <= limits.maxEventBytes) return;
  const size = payloadBytes(encoded.data) + (encoded.metadata === null ? 0 : payloadBytes(encoded.metadata));
  if (size > limits.maxEventBytes) throw new LimitExceededError('maxEventBytes', limits.maxEventBytes, size, field);
}

/**
 * Validates and encodes a batch before any I/O: ids, types, metadata, timestamps, duplicates within the batch,
 * serializability and limits. Throws a `ValidationError` subclass naming the offending field.
 */
export function encodeBatch(
  events: readonly EventData[],
  serializer: EventSerializer,
  limits: StoreLimits,
  traceContext?: TraceContext,
): EncodedEvent[] {
  // An instrumented commit's trace context goes into each event's metadata (see `withTraceContext`): appended to the
  // encoded text, the same text the merged object would give, without a copy of every event and its metadata.
  const members = traceContext === undefined ? undefined : traceContextMembers(traceContext);
  if (limits.maxEventsPerCommit !== undefined && events.length > limits.maxEventsPerCommit) {
    throw new LimitExceededError('maxEventsPerCommit', limits.maxEventsPerCommit, events.length, 'events');
  }
  const seen = new Set<string>();
  const size = new CommitSizeCheck(limits);
  const now = Date.now();
  const encoded: EncodedEvent[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const field = `events[${i}]`;
    const event = events[i];
    if (event === null || typeof event !== 'object') throw new ValidationError(field, 'An event must be an object');
    const id = validateEventId(event.id, `${field}.id`);
    if (seen.has(id)) throw new ValidationError(`${field}.id`, `Event id '${id}' appears more than once in the batch`);
    seen.add(id);
    const type = serializer.resolveType(event.type, event.data);
    if (type === undefined || !validTypes.has(type)) validTypes.add(validateEventType(type, `${field}.type`));
    validateMetadata(`${field}.metadata`, event.metadata);
    if (event.timestamp !== undefined) validateTimestamp(event.timestamp, `${field}.timestamp`);
    const encode = (metadata: EventData['metadata']) =>
      serializer.encode(field, { id, type: type as string, data: event.data, metadata, timestamp: event.timestamp }, now);
    let item = encode(event.metadata);
    if (members !== undefined) {
      const traced = appendTraceContext(event, item.metadata, members);
      if (traced !== undefined) item.metadata = traced;
      else item = encode((withTraceContext([event], traceContext as TraceContext)[0] as EventData).metadata);
    }
    checkSize(field, item, limits);
    // Events of a commit usually carry the same metadata (user, correlation id): keep one copy of its text, which
    // storages that hold events in memory then retain once per commit rather than once per event.
    const previous = i > 0 ? (encoded[i - 1] as EncodedEvent).metadata : null;
    if (previous !== null && item.metadata === previous) item.metadata = previous;
    encoded[i] = item;
    size.add(encoded, i);
  }
  return encoded;
}
