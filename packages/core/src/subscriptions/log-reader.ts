import type { RecordedEvent, StreamInfo } from '../model.js';
import type { StoredEvent } from '../storage-spi.js';
import type { ReadAllOptions, ReadOptions } from '../store-options.js';

/**
 * What subscriptions read through: the store's validated, decoding reads. Kept narrow, so subscriptions depend on
 * these calls and not on the whole store.
 */
export interface LogReader {
  readonly capabilities: { readonly globalOrder: boolean };
  read(streamId: string, options: ReadOptions): AsyncIterable<RecordedEvent>;
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>;
  getStream(streamId: string, options: { signal?: AbortSignal }): Promise<StreamInfo | null>;
  /** Drops the events of a storage page their stream's retention hides (see retention.ts). */
  hideRetained(page: readonly StoredEvent[], signal: AbortSignal): Promise<StoredEvent[]>;
  /** Decodes an event a storage returned (category reads); undefined when the decode policy skips it. */
  decode(stored: StoredEvent): RecordedEvent | undefined;
}
