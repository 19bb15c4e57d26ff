export {
  getStreamStoreEventStore,
  type StreamStoreAppendResult,
  type StreamStoreEventStore,
  type StreamStoreEventStoreOptions,
} from './event-store.js';
export { toEmmettError, toExpectedRevision } from './expected-version.js';
export type { StreamStoreReadEventMetadata } from './messages.js';
export { toGlobalPosition, toRevision, toStreamPosition } from './positions.js';
export { type EmmettProcessorOptions, type EmmettProcessorRun, startEmmettProcessor } from './processor.js';
export { type ReadRange, toReadRange } from './read-range.js';
