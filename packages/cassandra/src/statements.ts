import { FeedStatements } from './feed-schema.js';
import type { ResolvedConfig } from './options.js';
import { EVENT_KIND, eventsTable, ID_KIND, versionTable } from './schema.js';

/** Marker in a bucket's `head`: the stream is being deleted (no commit can match it). */
export const DELETED_HEAD = -1;

/**
 * A bucket `head` of -2 or less is a tombstone (a hard delete): `-2 - head` is the revision the stream had. Every
 * append's LWT conditions on a head >= 0 or on `head = null`, so no append can ever match it (no extra condition, no
 * extra column read on the hot path). In bucket 0 it is the permanent tombstone; in a later bucket, the mark of a hard
 * delete being completed (as {@link DELETED_HEAD} is for a soft one).
 */
export function tombstoneHead(revision: number): number {
  return -2 - revision;
}

/** Whether a bucket head is a {@link tombstoneHead}. */
export function isTombstoneHead(head: number): boolean {
  return head <= -2;
}

/** The revision a stream had when it was tombstoned, from its {@link tombstoneHead}. */
export function tombstonedRevision(head: number): number {
  return -2 - head;
}

const BASE_EVENT_COLUMNS =
  'seq, event_id, type, schema_version, format, compression, data_text, data_blob, metadata, event_time, recorded_at';

/** Every CQL text the storage sends, built once from the validated keyspace and table names. */
export class Statements {
  /** Head of a bucket that exists: compare-and-set. */
  readonly advanceHead: string;
  /** Head of the stream's first bucket: creates the stream (and its generation). */
  readonly createFirstBucket: string;
  /** Head of a later bucket: continues the stream's generation (times copied from bucket 0). */
  readonly createNextBucket: string;
  readonly insertEvent: string;
  readonly insertEventId: string;
  readonly selectBucketHead: string;
  readonly selectEventIds: string;
  readonly readForward: string;
  readonly readBackward: string;
  /** The timestamp of a bucket's last event at or below a revision: a stream's `updatedAt`. */
  readonly selectLastEventTime: string;
  readonly markDeleted: string;
  readonly claimNextBucketDeleted: string;
  /** Sets a bucket's head to a tombstone head (a hard delete's LWT), conditioned on the head just read. */
  readonly tombstoneIfHead: string;
  /** Claims the bucket after a full one with a tombstone head, for a hard delete. */
  readonly claimNextBucketTombstoned: string;
  /** Tombstones bucket 0 of a generation whose last bucket a hard delete marked. */
  readonly tombstoneIfGen: string;
  /** Deletes a bucket's event and event-id rows, keeping its static columns (the tombstone head). */
  readonly deleteRows: string;
  readonly clearHeadIfGen: string;
  readonly clearHeadIfHead: string;
  readonly deletePartition: string;
  readonly selectVersions: string;
  /** {@link selectVersions} of a version table made before checksums were kept (planning only: provisioning adds it). */
  readonly selectVersionsWithoutChecksum: string;
  /** Fails (invalid request) when the version table has no checksum column yet. */
  readonly probeChecksumColumn: string;
  readonly recordVersion: string;
  /** Records the checksum of a version recorded without one; an LWT, so two provisioners cannot disagree. */
  readonly backfillChecksum: string;
  readonly recordOwner: string;
  /** The change feed's statements, when it is on (event rows then also carry their `feed_position`). */
  readonly feed?: FeedStatements;

  constructor(config: ResolvedConfig) {
    const t = eventsTable(config);
    const EVENT_COLUMNS = config.feed ? `${BASE_EVENT_COLUMNS}, feed_position` : BASE_EVENT_COLUMNS;
    const v = versionTable(config);
    const key = 'WHERE stream_id = ? AND bucket = ?';
    this.advanceHead = `UPDATE ${t} SET head = ?, updated_at = toTimestamp(now()) ${key} IF head = ?`;
    this.createFirstBucket = `UPDATE ${t} SET head = ?, gen = ?, created_at = toTimestamp(now()), updated_at = toTimestamp(now()) ${key} IF head = null`;
    this.createNextBucket = `UPDATE ${t} SET head = ?, gen = ?, created_at = ?, updated_at = toTimestamp(now()) ${key} IF head = null`;
    // recorded_at is the server's now(); with the feed, feed_position follows it.
    this.insertEvent = `INSERT INTO ${t} (stream_id, bucket, kind, ${EVENT_COLUMNS}) VALUES (?, ?, ${EVENT_KIND}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, toTimestamp(now())${config.feed ? ', ?' : ''})`;
    // With the feed, id rows carry the event's position too: an idempotent retry reports the original one.
    const idPosition = config.feed ? ', feed_position' : '';
    this.insertEventId = `INSERT INTO ${t} (stream_id, bucket, kind, seq, event_id, revision${idPosition}) VALUES (?, ?, ${ID_KIND}, 0, ?, ?${config.feed ? ', ?' : ''}) IF NOT EXISTS`;
    this.selectBucketHead = `SELECT head, gen, created_at, updated_at${config.feed ? ', feed_ts' : ''} FROM ${t} ${key} LIMIT 1`;
    this.selectEventIds = `SELECT event_id, revision${idPosition} FROM ${t} ${key} AND kind = ${ID_KIND} AND seq = 0 AND event_id IN ?`;
    this.readForward = `SELECT ${EVENT_COLUMNS} FROM ${t} ${key} AND kind = ${EVENT_KIND} AND seq >= ? AND seq <= ? LIMIT ?`;
    this.readBackward = `SELECT ${EVENT_COLUMNS} FROM ${t} ${key} AND kind = ${EVENT_KIND} AND seq <= ? ORDER BY kind DESC, seq DESC, event_id DESC LIMIT ?`;
    this.selectLastEventTime = `SELECT event_time FROM ${t} ${key} AND kind = ${EVENT_KIND} AND seq <= ? ORDER BY kind DESC, seq DESC, event_id DESC LIMIT 1`;
    this.markDeleted = `UPDATE ${t} SET head = ${DELETED_HEAD}, updated_at = toTimestamp(now()) ${key} IF head = ?`;
    this.claimNextBucketDeleted = `UPDATE ${t} SET head = ${DELETED_HEAD}, gen = ? ${key} IF head = null`;
    this.tombstoneIfHead = `UPDATE ${t} SET head = ?, updated_at = toTimestamp(now()) ${key} IF head = ?`;
    this.claimNextBucketTombstoned = `UPDATE ${t} SET head = ?, gen = ? ${key} IF head = null`;
    this.tombstoneIfGen = `UPDATE ${t} SET head = ?, updated_at = toTimestamp(now()) ${key} IF gen = ?`;
    // A range deletion of the clustering rows, unlike a partition deletion, leaves the static columns the same batch
    // writes (a partition deletion would shadow them: same timestamp, the deletion wins; verified against 5.0).
    this.deleteRows = `DELETE FROM ${t} ${key} AND kind >= 0`;
    // Cassandra refuses a conditional DELETE of a whole partition; a conditional batch of a static update and an
    // unconditional partition delete does the same atomically (verified against 5.0).
    this.clearHeadIfGen = `UPDATE ${t} SET head = null ${key} IF gen = ?`;
    this.clearHeadIfHead = `UPDATE ${t} SET head = null ${key} IF head = ?`;
    this.deletePartition = `DELETE FROM ${t} ${key}`;
    this.selectVersions = `SELECT version, checksum FROM ${v}`;
    this.selectVersionsWithoutChecksum = `SELECT version FROM ${v}`;
    this.probeChecksumColumn = `SELECT checksum FROM ${v} LIMIT 1`;
    this.recordVersion = `INSERT INTO ${v} (version, description, checksum, applied_at) VALUES (?, ?, ?, toTimestamp(now())) IF NOT EXISTS`;
    this.backfillChecksum = `UPDATE ${v} SET checksum = ? WHERE version = ? IF checksum = null`;
    if (config.feed) this.feed = new FeedStatements(config, EVENT_COLUMNS);
    this.recordOwner = `INSERT INTO ${v} (version, description, owner, applied_at) VALUES (0, 'tenant owner', ?, toTimestamp(now())) IF NOT EXISTS`;
  }
}
