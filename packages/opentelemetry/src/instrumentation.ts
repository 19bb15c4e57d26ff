/** `openTelemetryInstrumentation()`: the core's instrumentation hooks implemented with OpenTelemetry. */
import {
  context,
  createContextKey,
  metrics as globalMetrics,
  type MeterProvider,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { StoreInstrumentation } from '@streamstore/core';
import { createMetrics } from './metrics.js';
import { commitHook, deleteHook, readAllHook, readHook } from './operations.js';
import { SubscriptionTelemetry } from './subscriptions.js';

/** Options of {@link openTelemetryInstrumentation}. */
export interface OpenTelemetryInstrumentationOptions {
  /** Where spans go (default: the globally registered provider). */
  tracerProvider?: TracerProvider;
  /** Where metrics go (default: the globally registered provider). */
  meterProvider?: MeterProvider;
  /**
   * Store each commit's trace context in its events' metadata (`traceparent`, `tracestate`), so consumers' spans link
   * back to it (default true). About 70 bytes per event; events whose metadata has a `traceparent` keep theirs.
   */
  propagateTraceContext?: boolean;
  /** Span `read` and `readAll` calls (default true). */
  traceReads?: boolean;
}

const SCOPE = '@streamstore/opentelemetry';
const VERSION = '0.1.0';

// The SDK's flag for "create no spans here" (`suppressTracing` of @opentelemetry/core): a context key is a
// `Symbol.for` of its description, so this is the same key without depending on the SDK.
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/**
 * The instrumentation to pass to `createStreamStore` (or a store factory): spans for commits, reads, deletes,
 * subscription batches and handler calls after OpenTelemetry's database and messaging conventions, and metrics for
 * commit durations, events and bytes appended, conflicts, and each consumer's lag and checkpoint.
 * @example
 * const store = await createStreamStore({ storage, instrumentation: openTelemetryInstrumentation() });
 */
export function openTelemetryInstrumentation(options: OpenTelemetryInstrumentationOptions = {}): StoreInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
  const meter = (options.meterProvider ?? globalMetrics.getMeterProvider()).getMeter(SCOPE, VERSION);
  const metrics = createMetrics(meter);
  const settings = {
    tracer,
    metrics,
    propagateTraceContext: options.propagateTraceContext ?? true,
    traceReads: options.traceReads ?? true,
  };
  const subscriptions = new SubscriptionTelemetry(tracer, metrics);
  const hooks: StoreInstrumentation = {
    commit: commitHook(settings),
    deleteStream: deleteHook(settings),
    subscriptionBatch: (start) => subscriptions.batch(start),
    quiet: (work) => context.with(context.active().setValue(SUPPRESS_TRACING, true), work),
  };
  const read = readHook(settings);
  const readAll = readAllHook(settings);
  if (read) hooks.read = read;
  if (readAll) hooks.readAll = readAll;
  return hooks;
}
