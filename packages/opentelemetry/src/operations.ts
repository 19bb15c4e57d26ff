/** Spans and metrics of the store's own operations: commit, read, readAll, deleteStream. */
import { context, isSpanContextValid, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type {
  CommitEnd,
  CommitScope,
  CommitStart,
  DeleteEnd,
  DeleteStart,
  InstrumentationScope,
  InstrumentedStore,
  ReadAllStart,
  ReadEnd,
  ReadStart,
  TraceContext,
} from '@streamstore/core';
import { ATTR, type Attributes, categoryOfStream, errorType, spanName, storeAttributes, streamAttributes } from './attributes.js';
import type { StoreMetrics } from './metrics.js';
import { formatTraceparent } from './traceparent.js';

/** Settings the operation hooks share. */
export interface OperationSettings {
  tracer: Tracer;
  metrics: StoreMetrics;
  propagateTraceContext: boolean;
  traceReads: boolean;
}

/** Marks a span failed with the error's type; exceptions are recorded only for unexpected failures. */
function fail(span: Span, error: unknown, unexpected: boolean): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  if (unexpected && error instanceof Error) span.recordException(error);
}

/** The W3C context of `span`, when it has a valid one (a no-op tracer's spans have none). */
function traceContextOfSpan(span: Span): TraceContext | undefined {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return undefined;
  const traceparent = formatTraceparent(spanContext);
  const tracestate = spanContext.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** Runs work with `span` as the active span. */
function runner(span: Span) {
  const active = trace.setSpan(context.active(), span);
  return <T>(work: () => T): T => context.with(active, work);
}

/** The attributes of a store's commits with one outcome, made once per store and outcome (metrics only read them). */
const outcomeAttributesCache = new WeakMap<InstrumentedStore, Map<string, Attributes>>();

function outcomeAttributes(store: InstrumentedStore, outcome: string): Attributes {
  let byOutcome = outcomeAttributesCache.get(store);
  if (!byOutcome) {
    byOutcome = new Map();
    outcomeAttributesCache.set(store, byOutcome);
  }
  let attributes = byOutcome.get(outcome);
  if (!attributes) {
    attributes = Object.freeze({ ...storeAttributes(store), [ATTR.outcome]: outcome });
    byOutcome.set(outcome, attributes);
  }
  return attributes;
}

/** The commit hook. */
export function commitHook(settings: OperationSettings): (start: CommitStart) => CommitScope {
  const { tracer, metrics } = settings;
  return (start) => {
    const category = categoryOfStream(start.streamId);
    const attributes = streamAttributes(start.store, 'commit', start.streamId, category);
    attributes[ATTR.expectedRevision] = String(start.expected);
    attributes[ATTR.eventCount] = start.events;
    if (start.events > 1) attributes[ATTR.dbBatchSize] = start.events;
    const span = tracer.startSpan(spanName('commit', start.streamId, category), { kind: SpanKind.CLIENT, attributes });
    const began = performance.now();
    const traceContext = settings.propagateTraceContext ? traceContextOfSpan(span) : undefined;
    return {
      ...(traceContext === undefined ? {} : { traceContext }),
      run: runner(span),
      end(end: CommitEnd) {
        const seconds = (performance.now() - began) / 1000;
        span.setAttribute(ATTR.outcome, end.outcome);
        if (end.revision !== undefined) span.setAttribute(ATTR.revision, end.revision);
        if (end.position !== undefined) span.setAttribute(ATTR.position, end.position);
        if (end.actualRevision !== undefined) span.setAttribute(ATTR.actualRevision, end.actualRevision);
        if (end.bytes !== undefined) span.setAttribute(ATTR.bytes, end.bytes);
        let labels = outcomeAttributes(start.store, end.outcome);
        if (end.error !== undefined) {
          fail(span, end.error, end.outcome === 'error');
          labels = { ...labels, [ATTR.errorType]: errorType(end.error) };
        }
        span.end();
        metrics.commitDuration.record(seconds, labels);
        if (end.outcome === 'ok') {
          metrics.appended.add(start.store, () => storeAttributes(start.store), start.events, end.bytes);
        } else if (end.outcome === 'conflict' || end.outcome === 'duplicate') {
          const conflict = storeAttributes(start.store);
          conflict[ATTR.conflictKind] = end.outcome === 'conflict' ? 'revision' : 'duplicate';
          metrics.conflicts.add(1, conflict);
        }
      },
    };
  };
}

function readScope(span: Span): InstrumentationScope<ReadEnd> {
  return {
    run: runner(span),
    end(end) {
      span.setAttribute(ATTR.eventCount, end.events);
      span.setAttribute(ATTR.readPages, end.pages);
      if (end.error !== undefined) fail(span, end.error, true);
      span.end();
    },
  };
}

/** The stream-read hook (undefined when reads are not traced). */
export function readHook(settings: OperationSettings): ((start: ReadStart) => InstrumentationScope<ReadEnd>) | undefined {
  if (!settings.traceReads) return undefined;
  return (start) => {
    const attributes = streamAttributes(start.store, 'read', start.streamId);
    attributes[ATTR.readDirection] = start.direction;
    if (start.from !== undefined) attributes[ATTR.readFrom] = String(start.from);
    return readScope(settings.tracer.startSpan(spanName('read', start.streamId), { kind: SpanKind.CLIENT, attributes }));
  };
}

/**
 * The global-log read hook (undefined when reads are not traced): `readAll`, or `readCategory <category>` with the
 * category as the collection (categories are few, unlike stream ids, so they may name spans).
 */
export function readAllHook(settings: OperationSettings): ((start: ReadAllStart) => InstrumentationScope<ReadEnd>) | undefined {
  if (!settings.traceReads) return undefined;
  return (start) => {
    const attributes = storeAttributes(start.store);
    const operation = start.category === undefined ? 'readAll' : 'readCategory';
    attributes[ATTR.dbOperation] = operation;
    attributes[ATTR.readDirection] = start.direction ?? 'forward';
    if (start.category !== undefined) attributes[ATTR.dbCollection] = start.category;
    if (start.from !== undefined) attributes[ATTR.readFrom] = start.from;
    const name = start.category === undefined ? operation : `${operation} ${start.category}`;
    return readScope(settings.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }));
  };
}

/** The delete hook. */
export function deleteHook(settings: OperationSettings): (start: DeleteStart) => InstrumentationScope<DeleteEnd> {
  return (start) => {
    const attributes = streamAttributes(start.store, 'deleteStream', start.streamId);
    if (start.expected !== undefined) attributes[ATTR.expectedRevision] = String(start.expected);
    const span = settings.tracer.startSpan(spanName('deleteStream', start.streamId), { kind: SpanKind.CLIENT, attributes });
    return {
      run: runner(span),
      end(end) {
        span.setAttribute(ATTR.outcome, end.outcome);
        if (end.deleted !== undefined) span.setAttribute(ATTR.deleted, end.deleted);
        if (end.actualRevision !== undefined) span.setAttribute(ATTR.actualRevision, end.actualRevision);
        if (end.error !== undefined) fail(span, end.error, end.outcome === 'error');
        span.end();
      },
    };
  };
}
