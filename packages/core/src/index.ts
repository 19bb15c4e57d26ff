export { raceAbort, throwIfAborted } from './abort.js';
export type { StreamAppendInput } from './append-many.js';
export type { BackendDescriptor, BackendTestServer, ScratchBackend } from './backend-descriptor.js';
export * from './errors.js';
export { canonicalEventDigest, eventDigest } from './event-digest.js';
export { matchesExpected } from './expected.js';
export {
  createStreamStoreFactory,
  type StreamStoreFactory,
  type StreamStoreFactoryOptions,
  type TenantProvider,
} from './factory.js';
export { type GroupCommitOptions, type GroupOutcome, groupCommitter } from './group-commit.js';
export type * from './instrumentation.js';
export { DEFAULT_LIMITS, type StoreLimits } from './limits.js';
export { memoryDescriptor } from './memory/memory-descriptor.js';
export { memoryStorage } from './memory/memory-storage.js';
export {
  type AppliedCheck,
  type AppliedMigration,
  checkAppliedMigrations,
  checksumMismatchError,
  type MigrationSource,
  unknownMigrationError,
} from './migrations/applied.js';
export { statementsChecksum, type VersionedMigration } from './migrations/migration.js';
export { planMigrationSteps } from './migrations/plan.js';
export {
  type MaybeAsync,
  type MigrationAdapter,
  type MigrationAdapterOf,
  type MigrationRun,
  runMigrations,
  runMigrationsSync,
  type SyncMigrationAdapter,
} from './migrations/runner.js';
export type * from './model.js';
export { comparePositions } from './position.js';
export { prefixUpperBound } from './prefix-range.js';
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
export type * from './storage.js';
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
export { categoryOf, parseStreamId, streamId } from './stream-id.js';
export { CheckpointConflictError, type CheckpointStore, memoryCheckpointStore } from './subscriptions/checkpoints.js';
export { type ConsumerLock, ConsumerLockedError, memoryConsumerLock } from './subscriptions/consumer-lock.js';
export { type ConsumerStorage, consumerStorage } from './subscriptions/consumer-storage.js';
export { describeDeadLetterError } from './subscriptions/dead-letter-error.js';
export { type DeadLetter, type DeadLetterStore, memoryDeadLetterStore } from './subscriptions/dead-letters.js';
export { type LockWatchdog, type LockWatchdogOptions, watchConsumerLock } from './subscriptions/lock-watchdog.js';
export type {
  HandlerErrorPolicy,
  SubscribeOptions,
  Subscription,
  SubscriptionTarget,
} from './subscriptions/subscription.js';
export { TRACE_CONTEXT_KEYS, traceContextOf } from './trace-context.js';
export type { StoreTransaction, TransactionApi } from './transaction.js';
export { awaitTransactionWork } from './transaction-work.js';
export type { EventDataOf, EventTypes, EventUnion, RecordedEventOf } from './typed-events.js';
export {
  MAX_EVENT_ID_LENGTH,
  MAX_PAGE_SIZE,
  MAX_STREAM_ID_BYTES,
  MAX_TIMESTAMP,
  MIN_TIMESTAMP,
  TENANT_ID_PATTERN,
  validateEventId,
  validateEventType,
  validateExpected,
  validatePageSize,
  validateRevision,
  validateStreamId,
  validateTenantId,
  validateTimestamp,
} from './validation.js';
export { WriteGate } from './write-gate.js';
export type { StreamWriter } from './writer.js';
