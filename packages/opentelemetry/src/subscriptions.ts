/**
 * Spans and metrics of subscriptions: a `receive` span per batch (linked to the commits of its events), a `process`
 * span per handler call (its child, linked to the commit of its event), and per consumer the lag and checkpoint,
 * observed when metrics are collected so that a consumer stuck on an event shows a growing lag.
 */
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type {
  HandlerEnd,
  InstrumentationScope,
  RecordedEvent,
  SubscriptionBatchScope,
  SubscriptionBatchStart,
} from '@streamstore/core';
import { ATTR, type Attributes, destinationOf, errorType, subscriptionAttributes } from './attributes.js';
import { commitLinksOf } from './links.js';
import type { StoreMetrics } from './metrics.js';

/** What is known of one consumer between metric collections. */
interface ConsumerState {
  attributes: Attributes;
  /** Events of the open batch, and how many of them are finished. */
  pending: readonly RecordedEvent[];
  finished: number;
  checkpoint: string | undefined;
}

/** Span creation and lag bookkeeping for subscriptions. */
export class SubscriptionTelemetry {
  // One entry per consumer (attributes as the key): bounded by the consumers an application runs, not by subscriptions.
  private readonly consumers = new Map<string, ConsumerState>();

  constructor(
    private readonly tracer: Tracer,
    private readonly metrics: StoreMetrics,
  ) {
    metrics.lagSeconds.addCallback((result) => {
      const now = Date.now();
      for (const state of this.consumers.values()) result.observe(lagSeconds(state, now), state.attributes);
    });
    metrics.lagEvents.addCallback((result) => {
      for (const state of this.consumers.values()) result.observe(state.pending.length - state.finished, state.attributes);
    });
    metrics.checkpoint.addCallback((result) => {
      for (const state of this.consumers.values()) {
        const value = state.checkpoint === undefined ? Number.NaN : Number(state.checkpoint);
        if (Number.isFinite(value)) result.observe(value, state.attributes);
      }
    });
  }

  /** The `subscriptionBatch` hook. */
  batch(start: SubscriptionBatchStart): SubscriptionBatchScope {
    const attributes = subscriptionAttributes(start.subscription);
    const state = this.stateOf(attributes);
    state.pending = start.events;
    state.finished = 0;
    const destination = destinationOf(start.subscription).template;
    const span = this.tracer.startSpan(`receive ${destination}`, {
      kind: SpanKind.CONSUMER,
      startTime: start.startTime,
      links: commitLinksOf(start.events),
      attributes: {
        ...attributes,
        [ATTR.messagingOperation]: 'receive',
        [ATTR.messagingOperationType]: 'receive',
        [ATTR.messagingBatchCount]: start.events.length,
      },
    });
    const active = trace.setSpan(context.active(), span);
    return {
      run: (work) => context.with(active, work),
      handler: (event, attempt) => this.handler(active, destination, attributes, state, event, attempt),
      end(end) {
        // Whatever the batch did not finish is fetched again by the next one (or by the consumer's next run).
        state.pending = [];
        state.finished = 0;
        if (end.checkpoint !== undefined) state.checkpoint = end.checkpoint;
        span.setAttribute(ATTR.finished, end.finished);
        if (end.checkpoint !== undefined) span.setAttribute(ATTR.checkpoint, end.checkpoint);
        if (end.error !== undefined) fail(span, end.error);
        span.end();
      },
    };
  }

  private handler(
    parent: ReturnType<typeof context.active>,
    destination: string,
    attributes: Attributes,
    state: ConsumerState,
    event: RecordedEvent,
    attempt: number,
  ): InstrumentationScope<HandlerEnd> {
    const links = commitLinksOf([event]);
    const span: Span = this.tracer.startSpan(
      `process ${destination}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          ...attributes,
          [ATTR.messagingOperation]: 'process',
          [ATTR.messagingOperationType]: 'process',
          [ATTR.messagingMessageId]: event.id,
          [ATTR.streamId]: event.streamId,
          [ATTR.revision]: event.revision,
          ...(event.position === undefined ? {} : { [ATTR.position]: event.position }),
          [ATTR.attempt]: attempt,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const began = performance.now();
    return {
      run: (work) => context.with(active, work),
      end: (end) => {
        const labels = { ...attributes };
        if (end.outcome === 'error') {
          fail(span, end.error);
          labels[ATTR.errorType] = errorType(end.error);
        } else {
          // Finished: the lag is now the age of the batch's next event.
          state.finished++;
        }
        span.end();
        this.metrics.processDuration.record((performance.now() - began) / 1000, labels);
      },
    };
  }

  private stateOf(attributes: Attributes): ConsumerState {
    const key = JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
    let state = this.consumers.get(key);
    if (state === undefined) {
      state = { attributes, pending: [], finished: 0, checkpoint: undefined };
      this.consumers.set(key, state);
    }
    return state;
  }
}

/**
 * The consumer's lag: the age (since its commit) of the oldest event it has fetched and not finished, which grows
 * while a handler is stuck on it; 0 between batches (a backlog's next batch is fetched at once, so that is brief).
 */
function lagSeconds(state: ConsumerState, now: number): number {
  const oldest = state.pending[state.finished];
  return oldest === undefined ? 0 : Math.max(0, now - oldest.recordedAt.getTime()) / 1000;
}

function fail(span: Span, error: unknown): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  if (error instanceof Error) span.recordException(error);
}
