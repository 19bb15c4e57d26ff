import type { ResolvedConfig } from './options.js';
import { EVENT_KIND, eventsTable, ID_KIND, versionTable } from './schema.js';

/** Marker in a bucket's `head`: the stream is being deleted (no commit can match it). */
export const DELETED_HEAD = -1;

const EVENT_COLUMNS =
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

  constructor(config: ResolvedConfig) {
    const t = eventsTable(config);
    const v = versionTable(config);
    const key = 'WHERE stream_id = ? AND bucket = ?';
    this.advanceHead = `UPDATE ${t} SET head = ?, updated_at = toTimestamp(now()) ${key} IF head = ?`;
    this.createFirstBucket = `UPDATE ${t} SET head = ?, gen = ?, created_at = toTimestamp(now()), updated_at = toTimestamp(now()) ${key} IF head = null`;
    this.createNextBucket = `UPDATE ${t} SET head = ?, gen = ?, created_at = ?, updated_at = toTimestamp(now()) ${key} IF head = null`;
    this.insertEvent = `INSERT INTO ${t} (stream_id, bucket, kind, ${EVENT_COLUMNS}) VALUES (?, ?, ${EVENT_KIND}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, toTimestamp(now()))`;
    this.insertEventId = `INSERT INTO ${t} (stream_id, bucket, kind, seq, event_id, revision) VALUES (?, ?, ${ID_KIND}, 0, ?, ?) IF NOT EXISTS`;
    this.selectBucketHead = `SELECT head, gen, created_at, updated_at FROM ${t} ${key} LIMIT 1`;
    this.selectEventIds = `SELECT event_id, revision FROM ${t} ${key} AND kind = ${ID_KIND} AND seq = 0 AND event_id IN ?`;
    this.readForward = `SELECT ${EVENT_COLUMNS} FROM ${t} ${key} AND kind = ${EVENT_KIND} AND seq >= ? AND seq <= ? LIMIT ?`;
    this.readBackward = `SELECT ${EVENT_COLUMNS} FROM ${t} ${key} AND kind = ${EVENT_KIND} AND seq <= ? ORDER BY kind DESC, seq DESC, event_id DESC LIMIT ?`;
    this.selectLastEventTime = `SELECT event_time FROM ${t} ${key} AND kind = ${EVENT_KIND} AND seq <= ? ORDER BY kind DESC, seq DESC, event_id DESC LIMIT 1`;
    this.markDeleted = `UPDATE ${t} SET head = ${DELETED_HEAD}, updated_at = toTimestamp(now()) ${key} IF head = ?`;
    this.claimNextBucketDeleted = `UPDATE ${t} SET head = ${DELETED_HEAD}, gen = ? ${key} IF head = null`;
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
    this.recordOwner = `INSERT INTO ${v} (version, description, owner, applied_at) VALUES (0, 'tenant owner', ?, toTimestamp(now())) IF NOT EXISTS`;
  }
}
