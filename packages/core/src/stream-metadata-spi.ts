/**
 * The storage SPI's part for stream metadata (capability `streamMetadata`): what a backend stores per stream beside
 * its events. Kept apart from storage-spi.ts so that file stays about events; re-exported with it from
 * `@streamstore/core/storage`.
 */

/**
 * A stream's metadata as a backend stores it: the metadata revision (1 after the first write, +1 per write) and the
 * metadata as JSON text, encoded and validated by the core (the backend stores it verbatim and never parses it).
 */
export interface StoredStreamMetadata {
  revision: number;
  json: string;
}

/**
 * A stream's stored metadata with its head, as {@link StreamStorage.getStreamMetadataMany} returns it for the reads
 * of the global log and of categories (retention's `maxCount` needs the head).
 */
export interface StoredStreamMetadataWithHead extends StoredStreamMetadata {
  /** The stream's head revision when the metadata was read; 0 when it has no events or is gone (deleted, tombstoned). */
  head: number;
}

/**
 * What a metadata write is checked against, as the core hands it to a backend: `'any'`, or the metadata revision the
 * stream's metadata must be at (0: never set).
 */
export type MetadataExpectation = number | 'any';

/** Outcome of an atomic conditional metadata write. */
export type MetadataWriteOutcome =
  | { status: 'ok'; revision: number }
  /** The metadata was not at the expected revision (`actual`, 0 when never set, read in the same atomic step). */
  | { status: 'conflict'; actual: number };

/** What {@link StreamStorage.removeEvents} removes: see there. */
export interface RemoveEventsQuery {
  /** Remove events whose revision is below this one (the core never passes more than the head it read). */
  beforeRevision: number;
  /** At most this many events, the oldest first: one bounded statement or transaction. */
  limit: number;
  /**
   * The stream's head when the core decided what to remove: remove nothing unless the stream's head is still at least
   * this (checked in the same atomic step), so a stream deleted and re-created shorter meanwhile loses nothing.
   */
  minHead: number;
}
