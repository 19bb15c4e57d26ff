import type { StoreInstrumentation } from './instrumentation.js';
import type { StoreLimits } from './limits.js';
import type { DecodeErrorPolicy, EventSerializer, SerializationOptions } from './serialization/serializer.js';
import type { StorageCapabilities, StreamStorage } from './storage-spi.js';

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

/** Options of {@link StreamStore.readAll} and {@link StreamStore.readCategory}. */
export interface ReadAllOptions {
  /**
   * Where to start. Forward (the default): strictly after this position (a checkpoint passed back as is); default:
   * from the start. Backward: at this position or before it, or `'end'` (the default) for the newest event, which is
   * where {@link StreamStore.headPosition} puts the end. A position cuts the log in two: a forward read from it and a
   * backward read from it never share an event and together give all of it.
   */
  from?: string | 'end';
  /** `forward` (the default) or `backward`: newest first (capabilities `globalOrder` and `backwardRead`). */
  direction?: 'forward' | 'backward';
  /** Most events to yield (default: all). */
  maxCount?: number;
  /** Events fetched per round trip (default: the store's `pageSize`). */
  pageSize?: number;
  signal?: AbortSignal;
  /** What to do with an event that cannot be decoded (default: the store's `onDecodeError`, normally `stop`). */
  onDecodeError?: DecodeErrorPolicy;
}

/** Options of {@link StreamStore.readCategory}: those of a global-log read. */
export type ReadCategoryOptions = ReadAllOptions;

/** Options of {@link StreamStore.listStreams}. */
export interface ListStreamsOptions {
  /** Resume strictly after this stream id. */
  after?: string;
  /**
   * Only streams whose id starts with this string, compared exactly (case-sensitive; `%`, `_` and `\` are plain
   * characters). Default: every stream.
   */
  prefix?: string;
  /** Most streams to yield (default: all). */
  maxCount?: number;
  /** Streams fetched per round trip (default: the store's `pageSize`). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** The public capabilities of a store (those of its backend). */
export type StoreCapabilities = Readonly<StorageCapabilities>;
