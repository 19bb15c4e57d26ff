/**
 * Events and bytes appended, counted in the process and handed to the SDK only when a reader collects: a counter
 * `add` hashes its attributes and looks up its series on every commit, a cost that showed in the commit path
 * (PostgreSQL, 8 writers of 1 event); an observable counter pays it once per collection and series.
 */
import type { Attributes, Meter } from '@opentelemetry/api';

/** Running totals per store (its frozen identity object), reported as two observable counters. */
export class AppendedTotals {
  private readonly totals = new Map<object, { attributes: Attributes; events: number; bytes: number }>();

  constructor(meter: Meter) {
    const events = meter.createObservableCounter('streamstore.events.appended', {
      description: 'Events written by successful commits (idempotent retries write none).',
      unit: '{event}',
    });
    const bytes = meter.createObservableCounter('streamstore.bytes.appended', {
      description: 'Encoded bytes (payloads, metadata, names) written by successful commits.',
      unit: 'By',
    });
    meter.addBatchObservableCallback(
      (result) => {
        for (const total of this.totals.values()) {
          result.observe(events, total.events, total.attributes);
          if (total.bytes > 0) result.observe(bytes, total.bytes, total.attributes);
        }
      },
      [events, bytes],
    );
  }

  /** Adds a successful commit of `store` (whose low-cardinality attributes are `attributes`). */
  add(store: object, attributes: () => Attributes, events: number, bytes: number | undefined): void {
    let total = this.totals.get(store);
    if (!total) {
      total = { attributes: attributes(), events: 0, bytes: 0 };
      this.totals.set(store, total);
    }
    total.events += events;
    total.bytes += bytes ?? 0;
  }
}
