/**
 * `@streamstore/core/storage`: what a backend author needs, apart from the user API of `@streamstore/core`: the
 * storage SPI's types, the validation the core applies before a backend sees any input, the migration runner, the
 * group committer, event digests, and what consumer state and the tools (descriptors) build on. An application
 * imports none of it: it passes a backend's storage to `createStreamStore` and never calls these.
 * See docs/custom-storage.md.
 */
export { raceAbort, throwIfAborted } from './abort.js';
export type { BackendDescriptor, BackendTestServer, ScratchBackend } from './backend-descriptor.js';
export { canonicalEventDigest, eventDigest } from './event-digest.js';
export { matchesExpected } from './expected.js';
export { type GroupCommitOptions, type GroupOutcome, groupCommitter } from './group-commit.js';
export { memoryDescriptor } from './memory/memory-descriptor.js';
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
export { prefixUpperBound } from './prefix-range.js';
export { redactUrlPassword } from './redact-url.js';
export type * from './storage-spi.js';
export type * from './stream-metadata-spi.js';
export { type ConsumerStorage, consumerStorage } from './subscriptions/consumer-storage.js';
export { DEAD_LETTER_ROW_COLUMNS, type DeadLetterRow, deadLetterFromRow } from './subscriptions/dead-letter-row.js';
export { type LockWatchdog, type LockWatchdogOptions, watchConsumerLock } from './subscriptions/lock-watchdog.js';
export {
  STREAM_DELETED_EVENT_TYPE,
  STREAM_TRUNCATED_EVENT_TYPE,
  type StreamDeletedData,
  type StreamTruncatedData,
  streamDeletedEvent,
  streamTruncatedEvent,
  streamTruncation,
} from './system-events.js';
export { awaitTransactionWork } from './transaction-work.js';
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
