import type { EncodedEvent } from '@streamstore/core/storage';

/**
 * An event as the core hands it to a storage, built by hand, for tests that call the storage SPI (or a backend's SQL)
 * without a store: a JSON payload, schema version 1, no metadata. `overrides` replaces any field.
 * @example await storage.append('s', 'any', [encodedTestEvent('e-1'), encodedTestEvent('e-2', { type: 'Other' })]);
 */
export function encodedTestEvent(id: string, overrides: Partial<Omit<EncodedEvent, 'id'>> = {}): EncodedEvent {
  return {
    id,
    type: 'TestEvent',
    schemaVersion: 1,
    format: 'json',
    compression: null,
    data: '{}',
    metadata: null,
    timestamp: 0,
    ...overrides,
  };
}
