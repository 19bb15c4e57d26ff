/**
 * W3C Trace Context (`traceparent`) formatting and parsing, done here rather than through the global propagator:
 * the context stored in an event must not depend on which propagator the application happens to register, and a
 * value read back from a stored event may be years old, written by another version, or hand-made.
 */

/** The parts of a `traceparent` value. */
export interface TraceparentFields {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

// version 00: 2 + 32 + 16 + 2 hex digits; later versions may append fields after a further dash.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

/**
 * Formats a span context as a version-00 `traceparent`.
 * @example formatTraceparent({ traceId, spanId, traceFlags: 1 }) // '00-<traceId>-<spanId>-01'
 */
export function formatTraceparent(fields: TraceparentFields): string {
  return `00-${fields.traceId}-${fields.spanId}-${(fields.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * Parses a `traceparent` value; `undefined` when it is not a valid one (wrong shape, version ff, all-zero ids, or
 * extra fields on version 00), so that a damaged value never becomes a link to nowhere.
 */
export function parseTraceparent(value: unknown): TraceparentFields | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === INVALID_TRACE_ID || spanId === INVALID_SPAN_ID) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}
