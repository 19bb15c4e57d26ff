/** The part of a store its reads work with; apart from read-pages.ts so that retention.ts can use it too. */
import type { StreamStorage } from './storage-spi.js';
import type { StoreCapabilities } from './store-options.js';

/** What the page fetchers of a store's reads need from the store. */
export interface PageSource {
  readonly storage: StreamStorage<object>;
  readonly capabilities: StoreCapabilities;
  /** The store's default page size. */
  readonly pageSize: number;
  /** Throws `StoreClosedError` once the store is closed. */
  ensureOpen(): void;
}
