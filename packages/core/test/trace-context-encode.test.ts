/**
 * An instrumented commit adds its trace context to the metadata as the events are encoded (appended to the encoded
 * text). That text must be exactly what encoding the merged metadata object gives (`withTraceContext`, the earlier
 * path): stored metadata, digests of idempotent retries and the digest's fast path all depend on it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../src/encode-batch.js';
import type { TraceContext } from '../src/instrumentation.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import type { EventData, Metadata } from '../src/model.js';
import { EventSerializer } from '../src/serialization/serializer.js';
import { withTraceContext } from '../src/trace-context.js';

const serializer = new EventSerializer();
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function bothWays(events: EventData[], context: TraceContext) {
  const appended = encodeBatch(events, serializer, DEFAULT_LIMITS, context).map((event) => event.metadata);
  const merged = encodeBatch(withTraceContext(events, context), serializer, DEFAULT_LIMITS).map((event) => event.metadata);
  return { appended, merged };
}

const key = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/[\u0000-\u001f\u007f-\u009f]/.test(k)),
  fc.constantFrom('traceparent', 'tracestate', '2', '10', 'user', '__proto__'),
);
const metadata = fc.option(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), { nil: undefined });
const context = fc.record(
  { traceparent: fc.constant(traceparent), tracestate: fc.string({ maxLength: 20 }) },
  { requiredKeys: ['traceparent'] },
);

describe('the trace context added while encoding', () => {
  it('gives the same metadata text as encoding the merged object, for chosen shapes', () => {
    // Shapes TypeScript would refuse, as JavaScript callers may send them.
    const shapes = [
      undefined,
      {},
      { user: 'u1' },
      { user: 'u1', '2': 'integer-like keys come first' },
      { traceparent: 'relayed', user: 'u1' },
      { tracestate: 'mine', user: 'u1' },
      { gone: undefined } as unknown as Metadata,
      { note: 'quotes " and \\ and \u2028' },
      JSON.parse('{"__proto__":1,"user":"u1"}') as Metadata,
      { toJSON: () => 'not an object' } as unknown as Metadata,
    ] as Array<Metadata | undefined>;
    for (const tracestate of [undefined, 'congo=t61rcWkgMzE', 'odd"value\\']) {
      const ctx: TraceContext = tracestate === undefined ? { traceparent } : { traceparent, tracestate };
      const events = shapes.map((shape, i) => ({
        id: `e${i}`,
        type: 'T',
        data: i,
        ...(shape === undefined ? {} : { metadata: shape }),
      }));
      const { appended, merged } = bothWays(events, ctx);
      expect(appended).toEqual(merged);
    }
  });

  it('gives the same metadata text as encoding the merged object, for any metadata', () => {
    fc.assert(
      fc.property(fc.array(metadata, { minLength: 1, maxLength: 4 }), context, (shapes, ctx) => {
        const events = shapes.map(
          (shape, i): EventData => ({
            id: `e${i}`,
            type: 'T',
            data: i,
            ...(shape === undefined ? {} : { metadata: shape as Metadata }),
          }),
        );
        const { appended, merged } = bothWays(events, ctx as TraceContext);
        expect(appended).toEqual(merged);
      }),
      { numRuns: 500 },
    );
  });
});
