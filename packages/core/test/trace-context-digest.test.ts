/**
 * The digest's view of metadata leaves the trace context out. Its fast path (cutting off the members withTraceContext
 * appends) must give exactly what parsing and writing back gives, or a retried commit would not be recognised.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metadataWithoutTraceContext } from '../src/trace-context.js';

/** The reference: parse, drop the two keys, write back (the path taken before the fast one existed). */
function reference(metadata: string): string | null {
  const record = JSON.parse(metadata) as Record<string, unknown>;
  const rest: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(record)) if (key !== 'traceparent' && key !== 'tracestate') rest[key] = record[key];
  return Object.keys(rest).length === 0 ? null : JSON.stringify(rest);
}

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('metadata without the trace context', () => {
  it('cuts off the appended members, and falls back to parsing for every other shape', () => {
    const cases = [
      { traceparent },
      { traceparent, tracestate: 'congo=t61rcWkgMzE' },
      { user: 'u1', traceparent },
      { user: 'u1', n: 2, traceparent, tracestate: 'a=b' },
      { tracestate: 'mine', user: 'u1', traceparent }, // a caller's tracestate stays out too
      { traceparent: 'relayed', user: 'u1' }, // not last: parsed
      { nested: { traceparent: 'x' }, traceparent }, // a nested key is kept
      { note: ',"traceparent":"x"}', traceparent },
      { note: 'trace', traceparent },
      { __proto__: 1, traceparent } as Record<string, unknown>,
      { '2': 'integer-like key first', user: 'u1', traceparent },
      { emoji: '\u{1F600}', lone: '\ud800', traceparent },
    ];
    for (const value of cases) {
      const text = JSON.stringify(value);
      expect(metadataWithoutTraceContext(text), text).toBe(reference(text));
    }
    expect(metadataWithoutTraceContext(null)).toBeNull();
    expect(metadataWithoutTraceContext('{"user":"u1"}')).toBe('{"user":"u1"}');
  });

  it('agrees with parsing on random metadata with a trace context appended as withTraceContext does', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('traceparent', 'tracestate', 'trace', '"trace', '__proto__'));
    const json = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(fc.dictionary(key, json), fc.string(), fc.option(fc.string()), (metadata, parent, state) => {
        const added = state === null ? { traceparent: parent } : { traceparent: parent, tracestate: state };
        const text = JSON.stringify({ ...metadata, ...added });
        expect(metadataWithoutTraceContext(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});
