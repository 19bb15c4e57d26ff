import type { StoreInstrumentation } from './instrumentation.js';
import type { StoreLimits } from './limits.js';
import type { DecodeErrorPolicy, EventSerializer, SerializationOptions } from './serialization/serializer.js';
import type { StorageCapabilities, StreamStorage } from './storage.js';

/** Options of {@link createStreamStore}. `X`: what the backend adds to a transaction object (inferred from `storage`). */
export interface StreamStoreOptions<X extends object = object> {
  /** The backend. */
  storage: StreamStorage<X>;
  /** Create or migrate the schema before the store is returned (default false). */
  provisionSchema?: boolean;
  /** Serialization settings, or a ready serializer (shared between tenants by the factory). */
  serialization?: SerializationOptions | EventSerializer;
  /** Limits checked before any I/O. */
  limits?: Partial<StoreLimits>;
  /** Events fetched per round trip by reads (default 500, at most `MAX_PAGE_SIZE`). */
  pageSize?: number;
  /**
   * Hooks told about commits, reads, deletes and subscription batches (e.g. `@streamstore/opentelemetry`'s). Without
   * them the store pays one property check per operation.
   */
  instrumentation?: StoreInstrumentation;
  /** The tenant this store serves, as reported to `instrumentation` (the factory sets it). */
  tenant?: string;
}

/** Options of {@link StreamStore.read}. */
export interface ReadOptions {
  /** Inclusive revision to start at (forward default 1; backward default the stream's end). */
  from?: number;
  direction?: 'forward' | 'backward';
  /** Most events to yield (default: all). */
  maxCount?: number;
  /** Events fetched per round trip (default: the store's `pageSize`). */
  pageSize?: number;
  signal?: AbortSignal;
  /** What to do with an event that cannot be decoded (default: the store's `onDecodeError`, normally `stop`). */
  onDecodeError?: DecodeErrorPolicy;
}

/** Options of {@link StreamStore.readAll}. */
export interface ReadAllOptions {
  /** Resume strictly after this position (a checkpoint passed back as is); default: from the start. */
  from?: string;
  maxCount?: number;
  pageSize?: number;
  signal?: AbortSignal;
  /** What to do with an event that cannot be decoded (default: the store's `onDecodeError`, normally `stop`). */
  onDecodeError?: DecodeErrorPolicy;
}

/** Options of {@link StreamStore.listStreams}. */
export interface ListStreamsOptions {
  /** Resume strictly after this stream id. */
  after?: string;
  maxCount?: number;
  pageSize?: number;
  signal?: AbortSignal;
}

/** The public capabilities of a store (those of its backend). */
export type StoreCapabilities = Readonly<StorageCapabilities>;
