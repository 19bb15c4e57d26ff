import type { RecordedEvent } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { HEADERS, messageBuilder } from '../src/message.js';

const event = (metadata: RecordedEvent['metadata']): RecordedEvent => ({
  streamId: 'order-1',
  revision: 3,
  position: '42',
  id: 'e-3',
  type: 'OrderPaid',
  data: { total: 5 },
  metadata,
  timestamp: new Date(0),
  recordedAt: new Date(1000),
  schemaVersion: 1,
  envelope: { format: 'json', compression: null, schemaVersion: 1 },
});

describe('outbox messages', () => {
  it("carry the commit's W3C trace context as traceparent/tracestate headers", () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const message = messageBuilder()(event({ traceparent, tracestate: 'vendor=1', user: 'u1' }));
    expect(message.headers.traceparent).toBe(traceparent);
    expect(message.headers.tracestate).toBe('vendor=1');
    expect(message.headers[HEADERS.revision]).toBe('3');
    expect(message.id).toBe('e-3');
    expect(message.subject).toBe('events.order.OrderPaid');
  });

  it('set no trace headers for an event written without tracing', () => {
    const message = messageBuilder()(event({ user: 'u1' }));
    expect(message.headers.traceparent).toBeUndefined();
    expect(message.headers.tracestate).toBeUndefined();
  });
});
