/** The instruments this package records to. */
import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { AppendedTotals } from './appended-totals.js';

/** Bucket boundaries (seconds) from sub-millisecond in-memory commits to multi-second outliers. */
const DURATION_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The instruments, created once per instrumentation. */
export interface StoreMetrics {
  commitDuration: Histogram;
  /** `streamstore.events.appended` and `streamstore.bytes.appended`, observed at collection. */
  appended: AppendedTotals;
  conflicts: Counter;
  processDuration: Histogram;
  lagSeconds: ObservableGauge;
  lagEvents: ObservableGauge;
  checkpoint: ObservableGauge;
}

/** Creates the instruments on `meter`. */
export function createMetrics(meter: Meter): StoreMetrics {
  return {
    commitDuration: meter.createHistogram('streamstore.commit.duration', {
      description: 'Duration of commits, from the call to its result, retries and idempotency checks included.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    appended: new AppendedTotals(meter),
    conflicts: meter.createCounter('streamstore.commit.conflicts', {
      description: 'Commits refused because the stream was not at the expected revision, or an event id was taken.',
      unit: '{commit}',
    }),
    processDuration: meter.createHistogram('messaging.process.duration', {
      description: "Duration of a subscription handler's call for one event.",
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    lagSeconds: meter.createObservableGauge('streamstore.subscription.lag', {
      description: 'Age of the oldest event a consumer has not finished yet (0 when it is caught up).',
      unit: 's',
    }),
    lagEvents: meter.createObservableGauge('streamstore.subscription.lag.events', {
      description: 'Events fetched by a consumer and not finished yet: a lower bound while it reads full pages.',
      unit: '{event}',
    }),
    checkpoint: meter.createObservableGauge('streamstore.subscription.checkpoint', {
      description: "The consumer's checkpoint (a global position, or a revision for a stream subscription).",
      unit: '{position}',
    }),
  };
}
