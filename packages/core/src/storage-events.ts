/** The shapes of events as the storage SPI hands them over and returns them. */
/** The content of an encoded event: what a backend stores and returns. */
export interface EncodedEventContent {
  id: string;
  type: string;
  /** Schema version of the payload's type. */
  schemaVersion: number;
  /** Payload format: `json`, `msgpack`, `protobuf`, ... */
  format: string;
  /** Compression applied to the payload (`gzip`, `br`), or null. */
  compression: string | null;
  /** The payload: a string exactly when `format` is `json` and it is not compressed, bytes otherwise. */
  data: string | Uint8Array;
  /** Metadata as JSON text, or null when there is none. */
  metadata: string | null;
  /** Caller's timestamp, ms since the epoch. */
  timestamp: number;
}

/** An event after serialization, as handed to a backend for storage. */
export interface EncodedEvent extends EncodedEventContent {
  /**
   * Digest of the event's content (type, schema version, format, compression, data, metadata; not the id, not the
   * timestamp, which defaults to now and differs on every retry): see `eventDigest`. Storing it and returning it from
   * `findEvents` lets the core tell an idempotent retry from an id reused with other content without reading the
   * stored event back. Computed on first read: a backend that does not store it pays nothing for it. Events the core
   * hands over always have it; it is optional so that hand-built events (tests, tools) need not.
   */
  readonly digest?: string;
}

/** An encoded event as stored. */
export interface StoredEvent extends EncodedEventContent {
  /** The stored {@link EncodedEvent.digest}, where the backend keeps it (informational: the core does not need it). */
  digest?: string;
  streamId: string;
  revision: number;
  /** Global position (decimal string) where the backend has one. */
  position?: string;
  /** Server time at commit, ms since the epoch. */
  recordedAt: number;
}
