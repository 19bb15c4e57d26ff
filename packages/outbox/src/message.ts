import { categoryOf, type RecordedEvent, traceContextOf } from '@streamstore/core';
import type { OutboxMessage } from './publisher.js';

/** How events become messages. */
export interface MessageOptions {
  /**
   * The subject (NATS) or routing key (RabbitMQ): a template over `{category}`, `{stream}` and `{type}`, or a
   * function. Template values are escaped so that each stays one subject token (see {@link subjectToken}).
   * Default `events.{category}.{type}`.
   */
  subject?: string | ((event: RecordedEvent) => string);
  /**
   * The message id brokers de-duplicate on. Default: the event id. Event ids are unique per stream only: when two
   * streams may use the same id (ids derived from commands), include the stream, e.g. `e => e.streamId + '/' + e.id`.
   */
  messageId?: (event: RecordedEvent) => string;
}

/** The default subject template. */
export const DEFAULT_SUBJECT = 'events.{category}.{type}';

/** Header names the relay sets on every message. */
export const HEADERS = {
  type: 'StreamStore-Type',
  stream: 'StreamStore-Stream',
  revision: 'StreamStore-Revision',
  position: 'StreamStore-Position',
  eventId: 'StreamStore-Event-Id',
  recordedAt: 'StreamStore-Recorded-At',
  metadata: 'StreamStore-Metadata',
} as const;

const encoder = new TextEncoder();

/**
 * One subject token from any text: NATS splits subjects on `.` and treats `*`, `>` and whitespace specially, and
 * RabbitMQ topic bindings treat `.`, `*` and `#` specially, so those (and `%`, control characters) are
 * percent-encoded as UTF-8 bytes. Reversible with `decodeURIComponent`.
 */
export function subjectToken(text: string): string {
  if (text.length === 0) return '_';
  return text.replace(/[\s.*>#%\x00-\x1f\x7f]/gu, (char) =>
    Array.from(encoder.encode(char), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** Builds the subject function of `options.subject`. */
export function subjectOf(subject: MessageOptions['subject'] = DEFAULT_SUBJECT): (event: RecordedEvent) => string {
  if (typeof subject === 'function') return subject;
  return (event) =>
    subject.replace(/\{(category|stream|type)\}/g, (_, name: string) =>
      subjectToken(name === 'category' ? categoryOf(event.streamId) : name === 'stream' ? event.streamId : event.type),
    );
}

/** The message body: bytes as they are, anything else as JSON. */
function bodyOf(data: unknown): { body: Uint8Array; contentType: string } {
  if (data instanceof Uint8Array) return { body: data, contentType: 'application/octet-stream' };
  return { body: encoder.encode(JSON.stringify(data ?? null)), contentType: 'application/json' };
}

/** Builds the function turning events into messages. */
export function messageBuilder(options: MessageOptions = {}): (event: RecordedEvent) => OutboxMessage {
  const subject = subjectOf(options.subject);
  const messageId = options.messageId ?? ((event: RecordedEvent) => event.id);
  return (event) => {
    const headers: Record<string, string> = {
      [HEADERS.type]: event.type,
      [HEADERS.stream]: event.streamId,
      [HEADERS.revision]: String(event.revision),
      [HEADERS.eventId]: event.id,
      [HEADERS.recordedAt]: event.recordedAt.toISOString(),
    };
    if (event.position !== undefined) headers[HEADERS.position] = event.position;
    // JSON keeps the values' types and has no line breaks, which NATS headers cannot carry.
    if (Object.keys(event.metadata).length > 0) headers[HEADERS.metadata] = JSON.stringify(event.metadata);
    // The commit's W3C trace context as the standard headers, so a consumer's tracing continues the writer's trace.
    const trace = traceContextOf(event);
    if (trace) {
      headers.traceparent = trace.traceparent;
      if (trace.tracestate !== undefined) headers.tracestate = trace.tracestate;
    }
    return { id: messageId(event), subject: subject(event), headers, ...bodyOf(event.data), event };
  };
}
