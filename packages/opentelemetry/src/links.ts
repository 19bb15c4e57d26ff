/**
 * From an event back to the commit that wrote it: the trace context stored in its metadata, as a span context a
 * consumer's span can link to.
 */
import { type Link, type SpanContext, TraceFlags } from '@opentelemetry/api';
import { type Metadata, traceContextOf } from '@streamstore/core';
import { parseTraceparent } from './traceparent.js';
import { parseTraceState } from './tracestate.js';

/**
 * The span context of the commit that wrote `event`, read from its metadata (`traceparent`, `tracestate`), or
 * `undefined` when it carries none or a damaged one. Remote: it comes from another process, or another time.
 * @example const parent = commitSpanContextOf(event); if (parent) span.addLink({ context: parent });
 */
export function commitSpanContextOf(event: { metadata?: Metadata | undefined }): SpanContext | undefined {
  const stored = traceContextOf(event);
  if (stored === undefined) return undefined;
  const fields = parseTraceparent(stored.traceparent);
  if (fields === undefined) return undefined;
  const traceState = stored.tracestate === undefined ? undefined : parseTraceState(stored.tracestate);
  return {
    traceId: fields.traceId,
    spanId: fields.spanId,
    traceFlags: fields.traceFlags & TraceFlags.SAMPLED,
    isRemote: true,
    ...(traceState === undefined ? {} : { traceState }),
  };
}

/** Links to the commits of `events`, one per commit (events written together share their commit's context). */
export function commitLinksOf(events: ReadonlyArray<{ metadata?: Metadata | undefined }>): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const context = commitSpanContextOf(event);
    if (context === undefined || seen.has(context.spanId)) continue;
    seen.add(context.spanId);
    links.push({ context });
  }
  return links;
}
