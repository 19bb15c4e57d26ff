/**
 * The trace context an instrumented commit stores in its events' metadata (W3C Trace Context: `traceparent`, and
 * `tracestate` when there is one), so that whoever reads the events later (a subscription, the outbox relay, a tool)
 * can link its work to the commit that wrote them.
 */
import type { TraceContext } from './instrumentation.js';
import type { EventData, Metadata } from './model.js';

/** The metadata keys the trace context is stored under. */
export const TRACE_CONTEXT_KEYS = Object.freeze(['traceparent', 'tracestate'] as const);

/**
 * The trace context stored in an event's metadata, or `undefined` when it carries none. The values are returned as
 * stored (a consumer validates them before trusting them); use it to pass the context on, e.g. as message headers.
 * @example const context = traceContextOf(event); if (context) headers.traceparent = context.traceparent;
 */
export function traceContextOf(event: { metadata?: Metadata | undefined }): TraceContext | undefined {
  const traceparent = event.metadata?.traceparent;
  if (typeof traceparent !== 'string' || traceparent.length === 0) return undefined;
  const tracestate = event.metadata?.tracestate;
  return typeof tracestate === 'string' && tracestate.length > 0 ? { traceparent, tracestate } : { traceparent };
}

/**
 * The batch with `context` added to the metadata of each event that carries no `traceparent` yet: an event relayed
 * from elsewhere keeps the context it came with. The caller's objects are not changed.
 */
export function withTraceContext(events: readonly EventData[], context: TraceContext): EventData[] {
  const added: Metadata =
    context.tracestate === undefined
      ? { traceparent: context.traceparent }
      : { traceparent: context.traceparent, tracestate: context.tracestate };
  return events.map((event) => {
    // Anything that is not a plain event is left for validation to refuse, with its usual message.
    if (event === null || typeof event !== 'object') return event;
    const metadata = event.metadata;
    if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || 'traceparent' in metadata)) {
      return event;
    }
    return { ...event, metadata: metadata === undefined ? added : { ...metadata, ...added } };
  });
}

/** The trace context as the JSON members `withTraceContext` adds, e.g. `"traceparent":"00-…-01"`, once per commit. */
export function traceContextMembers(context: TraceContext): string {
  const traceparent = `"traceparent":${JSON.stringify(context.traceparent)}`;
  return context.tracestate === undefined ? traceparent : `${traceparent},"tracestate":${JSON.stringify(context.tracestate)}`;
}

/**
 * The encoded metadata of `event` with the trace context's `members` appended: the same text the encoder writes for
 * `withTraceContext`'s merged object (the keys go last), without copying the object or encoding it again. `text` is
 * the encoder's text of the event's own metadata (null when it has none). Returns `text` unchanged when the metadata
 * carries a `traceparent` (an event relayed from elsewhere keeps its own), and undefined when only the merged object
 * gives the right text: metadata that has a `tracestate` of its own (the merge overwrites it in place) or whose JSON
 * is not an object's (a `toJSON` of its own).
 */
export function appendTraceContext(event: EventData, text: string | null, members: string): string | null | undefined {
  const metadata = event.metadata;
  if (metadata !== undefined && 'traceparent' in metadata) return text;
  if (metadata !== undefined && 'tracestate' in metadata) return undefined;
  if (text === null) return metadata === undefined || Object.keys(metadata).length === 0 ? `{${members}}` : undefined;
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  return text === '{}' ? `{${members}}` : `${text.slice(0, -1)},${members}}`;
}

/**
 * Metadata JSON text without the trace-context keys, for content digests: the trace context says who wrote an event,
 * not what it is, and a retry of a commit runs in another span, so an identical retry must digest the same.
 * Text without either key is returned as is (the common case, one substring scan); `null` when nothing else is left.
 */
export function metadataWithoutTraceContext(metadata: string | null): string | null {
  if (metadata === null || !metadata.includes('"trace')) return metadata;
  return withoutAppendedTraceContext(metadata) ?? withoutTraceContextParsed(metadata);
}

/** The trace-context members `withTraceContext` appends, as the encoder writes them: last in the object. */
const APPENDED_TRACE_CONTEXT = /(^\{|,)"traceparent":"[^"\\]*"(?:,"tracestate":"[^"\\]*")?\}$/;

/**
 * The fast path of {@link metadataWithoutTraceContext}, taken on every digest of an instrumented commit: the trace
 * context `withTraceContext` added is the object's last members, and the text before them mentions no other trace
 * key, so cutting it off gives what parsing and writing back would (the encoder's JSON text is already in that
 * form). Undefined when the text has another shape, for the parsing path to decide.
 */
function withoutAppendedTraceContext(metadata: string): string | null | undefined {
  const match = APPENDED_TRACE_CONTEXT.exec(metadata);
  if (!match) return undefined;
  if (match[1] === '{') return null;
  const rest = `${metadata.slice(0, match.index)}}`;
  return rest.includes('"trace') ? undefined : rest;
}

function withoutTraceContextParsed(metadata: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(metadata);
  } catch {
    return metadata;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return metadata;
  const record = value as Record<string, unknown>;
  if (!TRACE_CONTEXT_KEYS.some((key) => Object.hasOwn(record, key))) return metadata;
  // A null prototype keeps a '__proto__' key of the metadata a plain key when the rest is written back out.
  const rest: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(record)) if (!(TRACE_CONTEXT_KEYS as readonly string[]).includes(key)) rest[key] = record[key];
  return Object.keys(rest).length === 0 ? null : JSON.stringify(rest);
}
