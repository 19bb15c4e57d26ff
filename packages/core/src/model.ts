/** A JSON value, as accepted in event data (JSON format) and metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Custom event properties: a flat record with string keys and JSON values. */
export type Metadata = Record<string, JsonValue>;

/**
 * What the stream must look like for a commit to succeed.
 * - `'any'`: no check;
 * - `'no-stream'`: the stream has no events (same as `0`);
 * - `'stream-exists'`: the stream has at least one event;
 * - `n`: the stream is at revision `n` exactly (0 = empty or absent).
 */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

/**
 * An event to append. `id` identifies it within its stream: choose it yourself (a UUID, or an id derived from the
 * command) when a retry must be recognised as one (idempotency); when absent, `append` generates a random UUID, and
 * a retry of the same data is then a new event.
 */
export interface EventData<T = unknown, Type extends string = string> {
  id?: string;
  /** The event's type name, used by the type registry. May be omitted when `data` is an instance of a registered class. */
  type?: Type;
  data: T;
  metadata?: Metadata;
  /** The caller's time for the event; defaults to now. */
  timestamp?: Date;
}

/** An event as read back. */
export interface RecordedEvent<T = unknown, Type extends string = string> {
  streamId: string;
  /** 1-based place of the event in its stream. */
  revision: number;
  /** Global position (backends with `globalOrder`): opaque, compare with `comparePositions`. */
  position?: string;
  id: string;
  type: Type;
  data: T;
  metadata: Metadata;
  /** The caller's timestamp. */
  timestamp: Date;
  /** Server time at commit. */
  recordedAt: Date;
  /** Schema version of `data` as returned (after upcasting; the stored one is in `envelope`). */
  schemaVersion: number;
  /** How the event is stored: format, compression and the schema version it was written with. */
  envelope: EventEnvelope;
}

/** The self-describing part of a stored event. */
export interface EventEnvelope {
  format: string;
  compression: string | null;
  schemaVersion: number;
}

/** Result of a commit: the revision (and global position, where supported) of its last event. */
export interface CommitResult {
  revision: number;
  position?: string;
}

/** What `getStream` tells of a stream. */
export interface StreamInfo {
  /** The revision of its last event. */
  revision: number;
  /** When the stream was created: the server time of its first commit. */
  createdAt: Date;
  /**
   * When the stream last changed: the `timestamp` of its last event (the caller's, which defaults to the time of the
   * commit), as the original library's `LastModified`. An event dated in the past makes it earlier than `createdAt`.
   */
  updatedAt: Date;
  /**
   * The first revision a read of the stream returns: 1, or later when the stream's retention (`maxCount`,
   * `maxAgeSeconds`, `truncateBefore` of its metadata) hides older events; past `revision` when it hides them all.
   * Set by `store.getStream`; `listStreams` and the storage SPI leave it out.
   */
  firstRevision?: number;
}

/** A stream as listed by `listStreams`. */
export interface StreamSummary extends StreamInfo {
  streamId: string;
}

/** Direction of a stream read. */
export type ReadDirection = 'forward' | 'backward';
