/**
 * `@streamstore/core`: the user API (the store, its options and errors, the model, serialization, subscriptions'
 * consumer state, the in-memory storage). What a backend author needs beyond it is in `@streamstore/core/storage`.
 */
export type { StreamAppendInput } from './append-many.js';
export * from './errors.js';
export { eventIdTime, newEventId } from './event-id.js';
export {
  createStreamStoreFactory,
  type StreamStoreFactory,
  type StreamStoreFactoryOptions,
  type TenantProvider,
} from './factory.js';
export type * from './instrumentation.js';
export { DEFAULT_LIMITS, type StoreLimits } from './limits.js';
export { memoryStorage } from './memory/memory-storage.js';
export type * from './model.js';
export { comparePositions } from './position.js';
export type { ScavengeOptions, ScavengeProgress, ScavengeResult } from './scavenge.js';
export type { PayloadCodec, PayloadCompressor } from './serialization/codec.js';
export { brotliCompressor, gzipCompressor } from './serialization/compression.js';
export { jsonCodec } from './serialization/json-codec.js';
export {
  type DecodedPayload,
  type DecodeErrorPolicy,
  EventSerializer,
  type SerializationOptions,
} from './serialization/serializer.js';
export { type EventClass, type EventTypeDefinition, TypeRegistry } from './serialization/type-registry.js';
export {
  createStreamStore,
  type ListStreamsOptions,
  type ReadAllOptions,
  type ReadCategoryOptions,
  type ReadOptions,
  type StoreCapabilities,
  StreamStore,
  type StreamStoreOptions,
} from './store.js';
export type { DeleteStreamOptions } from './store-writes.js';
export { categoryOf, parseStreamId, streamId } from './stream-id.js';
export {
  type ExpectedMetadataRevision,
  MAX_STREAM_METADATA_BYTES,
  type SetStreamMetadataOptions,
  type StreamMetadata,
  type StreamMetadataResult,
} from './stream-metadata.js';
export { CheckpointConflictError, type CheckpointStore, memoryCheckpointStore } from './subscriptions/checkpoints.js';
export { type ConsumerLock, ConsumerLockedError, memoryConsumerLock } from './subscriptions/consumer-lock.js';
export { describeDeadLetterError } from './subscriptions/dead-letter-error.js';
export { type DeadLetter, type DeadLetterStore, memoryDeadLetterStore } from './subscriptions/dead-letters.js';
export type {
  HandlerErrorPolicy,
  SubscribeOptions,
  Subscription,
  SubscriptionTarget,
} from './subscriptions/subscription.js';
export {
  STREAM_DELETED_EVENT_TYPE,
  STREAM_TRUNCATED_EVENT_TYPE,
  type StreamDeletedData,
  type StreamTruncatedData,
} from './system-events.js';
export { TRACE_CONTEXT_KEYS, traceContextOf } from './trace-context.js';
export type { StoreTransaction, TransactionApi } from './transaction.js';
export type { EventDataOf, EventTypes, EventUnion, RecordedEventOf } from './typed-events.js';
export type { StreamWriter } from './writer.js';
