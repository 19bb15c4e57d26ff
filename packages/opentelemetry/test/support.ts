/**
 * An OpenTelemetry SDK wired to in-memory exporters, and the store instrumented with it, for the tests.
 */
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type OpenTelemetryInstrumentationOptions, openTelemetryInstrumentation } from '@streamstore/opentelemetry';

/** A reader collecting on demand, cumulatively. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

// Spans become each other's parents through the active context: the tests need a real context manager.
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);

/** A fresh SDK (tracer and meter providers over in-memory exporters) and an instrumentation using it. */
export function telemetry(options: Omit<OpenTelemetryInstrumentationOptions, 'tracerProvider' | 'meterProvider'> = {}) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = openTelemetryInstrumentation({ ...options, tracerProvider, meterProvider });
  const tracer = tracerProvider.getTracer('test');
  return {
    instrumentation,
    tracer,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    span(name: string): ReadableSpan {
      const found = exporter.getFinishedSpans().filter((span) => span.name === name);
      if (found.length !== 1) throw new Error(`expected one span '${name}', found ${found.length}`);
      return found[0] as ReadableSpan;
    },
    /** Runs `work` inside a span of the test's own (a request, say), returning the span and the result. */
    async within<T>(name: string, work: () => Promise<T>): Promise<{ span: Span; result: T }> {
      return tracer.startActiveSpan(name, async (span) => {
        try {
          return { span, result: await work() };
        } finally {
          span.end();
        }
      });
    },
    /** The data points of metric `name` after a collection. */
    async metric(name: string): Promise<Array<DataPoint<unknown>>> {
      const { resourceMetrics } = await reader.collect();
      return pointsOf(resourceMetrics, name);
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

function pointsOf(resourceMetrics: ResourceMetrics, name: string): Array<DataPoint<unknown>> {
  const points: Array<DataPoint<unknown>> = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) points.push(...(metric.dataPoints as Array<DataPoint<unknown>>));
    }
  }
  return points;
}

/** The parent span id of a finished span (the SDK 2 shape). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Waits until `condition` holds. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export { trace };
