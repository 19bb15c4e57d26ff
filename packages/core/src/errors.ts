import type { ExpectedRevision } from './model.js';

/** Stable machine-readable codes carried by every {@link StreamStoreError}. */
export type StreamStoreErrorCode =
  | 'STREAM_CONCURRENCY'
  | 'STREAM_LOCKED'
  | 'DUPLICATE_EVENT'
  | 'VALIDATION'
  | 'LIMIT_EXCEEDED'
  | 'SERIALIZATION'
  | 'STREAM_NOT_FOUND'
  | 'STREAM_DELETED'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_CORRUPTED'
  | 'NOT_SUPPORTED'
  | 'ABORTED'
  | 'CLOSED'
  | 'CONFIGURATION';

/** Base class of every error StreamStore throws on purpose. Switch on `code`, not on messages. */
export class StreamStoreError extends Error {
  readonly code: StreamStoreErrorCode;
  constructor(code: StreamStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The stream was not at the expected revision. `actual` is its real revision at the time of the check. */
export class StreamConcurrencyError extends StreamStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(
      'STREAM_CONCURRENCY',
      `Stream '${streamId}' was expected at ${describeExpected(expected)} but is at revision ${actual}`,
    );
  }
}

/**
 * A stream's metadata was not at the expected metadata revision (`setStreamMetadata`); nothing was written. `actual`
 * is its real metadata revision (0: never set). A class of its own, not a `StreamConcurrencyError`: the revisions are
 * of another sequence, and a retry loop around appends must not take a metadata conflict for a stream conflict. Its
 * `code` is `STREAM_CONCURRENCY` all the same, so code-based handling (HTTP 409, the CLI's exit code) treats it alike.
 */
export class StreamMetadataConcurrencyError extends StreamStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: number | 'none' | 'any',
    readonly actual: number,
  ) {
    super(
      'STREAM_CONCURRENCY',
      `The metadata of stream '${streamId}' was expected at ${expected === 'none' ? "'none' (never set)" : `metadata revision ${expected}`} but is at metadata revision ${actual}`,
    );
  }
}

/** One stream whose expectation failed in a multi-stream append. */
export interface StreamConflict {
  streamId: string;
  expected: ExpectedRevision;
  /** The stream's real revision when the append was refused. */
  actual: number;
}

/**
 * A multi-stream append (`appendMany`) was refused because the expectation of one or more streams failed; nothing was
 * written. `conflicts` names every such stream with its actual revision.
 */
export class MultiStreamConcurrencyError extends StreamStoreError {
  constructor(readonly conflicts: readonly StreamConflict[]) {
    super(
      'STREAM_CONCURRENCY',
      `Nothing was appended: ${conflicts
        .map((c) => `stream '${c.streamId}' was expected at ${describeExpected(c.expected)} but is at revision ${c.actual}`)
        .join('; ')}`,
    );
  }
}

/** A lock-based backend could not take the stream's lock (another writer holds it). */
export class StreamLockedError extends StreamStoreError {
  constructor(
    readonly streamId: string,
    message = `Stream '${streamId}' is locked by another writer`,
  ) {
    super('STREAM_LOCKED', message);
  }
}

/** Some of the event ids of a batch are already stored in the stream at another place. */
export class DuplicateEventError extends StreamStoreError {
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super('DUPLICATE_EVENT', `Stream '${streamId}' already contains event id(s) ${eventIds.map((id) => `'${id}'`).join(', ')}`);
  }
}

/** Bad input caught before any I/O. `field` names what was wrong (e.g. `streamId`, `events[2].id`). */
export class ValidationError extends StreamStoreError {
  constructor(
    readonly field: string,
    message: string,
    code: 'VALIDATION' | 'LIMIT_EXCEEDED' = 'VALIDATION',
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A configured limit (`limit`) was exceeded by `value`. */
export class LimitExceededError extends ValidationError {
  constructor(
    readonly limit: 'maxCommitBytes' | 'maxEventBytes' | 'maxEventsPerCommit' | string,
    readonly max: number,
    readonly value: number,
    field: string,
  ) {
    super(field, `${field}: ${value} exceeds the limit ${limit} = ${max}`, 'LIMIT_EXCEEDED');
  }
}

/**
 * An event could not be serialized (cycles, BigInt in JSON, an unregistered Protobuf type, ...) or stored bytes
 * could not be decoded (corrupt bytes, a truncated compressed payload, an upcaster that threw). When reading,
 * `streamId`, `revision` and `eventType` name the event; when writing, `field` names the input.
 */
export class SerializationError extends StreamStoreError {
  readonly field: string;
  streamId?: string;
  revision?: number;
  eventType?: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('SERIALIZATION', message, options);
    this.field = field;
  }
}

/** An operation required an existing stream. */
export class StreamNotFoundError extends StreamStoreError {
  constructor(readonly streamId: string) {
    super('STREAM_NOT_FOUND', `Stream '${streamId}' does not exist`);
  }
}

/**
 * The stream was hard-deleted (`deleteStream(id, { hard: true })`): a tombstone forbids every later write to it,
 * whatever the expectation, and reads of it report this instead of an empty stream (as KurrentDB's StreamDeleted).
 */
export class StreamDeletedError extends StreamStoreError {
  constructor(readonly streamId: string) {
    super('STREAM_DELETED', `Stream '${streamId}' was deleted for good (tombstoned): it can never be written again`);
  }
}

/** The storage could not be reached or failed; the driver's error is `cause`. Safe to retry with the same event ids. */
export class StorageUnavailableError extends StreamStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_UNAVAILABLE', message, options);
  }
}

/** Stored data violates an invariant (gaps, reordering, undecodable rows). */
export class StorageCorruptedError extends StreamStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_CORRUPTED', message, options);
  }
}

/** The backend does not declare the capability the call needs. */
export class NotSupportedError extends StreamStoreError {
  constructor(
    readonly capability: string,
    message: string,
  ) {
    super('NOT_SUPPORTED', message);
  }
}

/** The caller's AbortSignal fired. `name` is `AbortError` so generic abort handling recognizes it. */
export class OperationAbortedError extends StreamStoreError {
  constructor(reason?: unknown) {
    super('ABORTED', 'The operation was aborted', { cause: reason });
    this.name = 'AbortError';
  }
}

/** The store (or factory) was closed. */
export class StoreClosedError extends StreamStoreError {
  constructor() {
    super('CLOSED', 'The store is closed');
  }
}

/** A store transaction was used after its callback settled (it has committed or rolled back). */
export class TransactionEndedError extends StreamStoreError {
  constructor() {
    super('CLOSED', 'The transaction has ended: use the transaction object only inside its callback');
  }
}

/** Broken configuration (missing option, unusable server feature, ...). */
export class ConfigurationError extends StreamStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIGURATION', message, options);
  }
}

/** Human-readable form of an expected revision, for messages. */
export function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? `revision ${expected}` : `'${expected}'`;
}
