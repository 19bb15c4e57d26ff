import { EVENT_KIND, eventsTable } from './events-table.js';
import { quoteIdentifier } from './identifiers.js';
import type { ResolvedConfig } from './options.js';

/** `"keyspace"."<table>_feed"`: the change feed's entries. */
export function feedTable(config: ResolvedConfig): string {
  return `${quoteIdentifier(config.keyspace)}.${quoteIdentifier(`${config.table}_feed`)}`;
}

/** The partition of the feed table holding one row per writer process: the smallest `ts` is the feed's origin. */
export const ORIGIN_SHARD = -1;
/** The partition of the feed table holding the writers' leases: `ts` = the writer's number, `stream_id` its owner. */
export const WRITERS_SHARD = -2;

/**
 * Migration 4 (only with the change feed on): the feed table, and two columns of the events table. Feed entries live
 * in partitions of one shard and one time slot, ordered by the writer's timestamp and number (together they name
 * the commit); `feed_ts` (static) is the timestamp of the bucket's last commit (or of a reader's fence), which every
 * commit's LWT must exceed; `feed_position` is an event's global position (see feed-position.ts), on event rows
 * and event-id rows.
 */
export function feedMigrationStatements(config: ResolvedConfig): string[] {
  const t = eventsTable(config);
  return [
    `CREATE TABLE IF NOT EXISTS ${feedTable(config)} (
  shard int,
  slot bigint,
  ts bigint,
  writer int,
  stream_id text,
  bucket bigint,
  first_revision bigint,
  count int,
  category text,
  PRIMARY KEY ((shard, slot), ts, writer)
) WITH CLUSTERING ORDER BY (ts ASC, writer ASC)`,
    `ALTER TABLE ${t} ADD IF NOT EXISTS feed_ts bigint STATIC`,
    `ALTER TABLE ${t} ADD IF NOT EXISTS feed_position text`,
  ];
}

/**
 * A commit's head statement (`UPDATE ... SET head = ?, ... IF head ...`) with the feed: it also sets `feed_ts` to the
 * commit's timestamp (the parameter right after the head) and requires the bucket's `feed_ts` to be below it (`above`:
 * one more parameter, last) or unset (`null`: a new bucket, or one written before the feed was on).
 */
export function withFeedCondition(headStatement: string, condition: 'above' | 'null'): string {
  const text = headStatement.replace('SET head = ?,', 'SET head = ?, feed_ts = ?,');
  return condition === 'above' ? `${text} AND feed_ts < ?` : `${text} AND feed_ts = null`;
}

const ENTRY_COLUMNS = 'ts, writer, stream_id, bucket, first_revision, count, category';

/** The CQL of the change feed, built once from the validated names. */
export class FeedStatements {
  readonly insertEntry: string;
  readonly deleteEntry: string;
  readonly insertOrigin: string;
  /** Takes a writer number for a while (LWT, with a TTL). */
  readonly claimWriter: string;
  /** Extends the lease of a writer number still held (LWT on the owner). */
  readonly renewWriter: string;
  readonly selectOrigin: string;
  readonly scanForward: string;
  readonly scanBackward: string;
  /** The event rows of one commit, with the bucket's `feed_ts`. */
  readonly selectCommit: string;
  /** The bucket's `feed_ts` alone (when the commit's rows are absent, the static row is not returned with them). */
  readonly selectFeedTs: string;
  readonly fenceAbove: string;
  readonly fenceNull: string;

  constructor(config: ResolvedConfig, eventColumns: string) {
    const f = feedTable(config);
    const t = eventsTable(config);
    const key = 'WHERE shard = ? AND slot = ?';
    this.insertEntry = `INSERT INTO ${f} (shard, slot, ${ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    this.deleteEntry = `DELETE FROM ${f} ${key} AND ts = ? AND writer = ?`;
    this.insertOrigin = `INSERT INTO ${f} (shard, slot, ts, writer) VALUES (${ORIGIN_SHARD}, 0, ?, ?)`;
    const lease = `WHERE shard = ${WRITERS_SHARD} AND slot = 0 AND ts = ? AND writer = 0`;
    this.claimWriter = `INSERT INTO ${f} (shard, slot, ts, writer, stream_id) VALUES (${WRITERS_SHARD}, 0, ?, 0, ?) IF NOT EXISTS USING TTL ?`;
    this.renewWriter = `UPDATE ${f} USING TTL ? SET stream_id = ? ${lease} IF stream_id = ?`;
    this.selectOrigin = `SELECT ts FROM ${f} WHERE shard = ${ORIGIN_SHARD} AND slot = 0 LIMIT 1`;
    this.scanForward = `SELECT ${ENTRY_COLUMNS} FROM ${f} ${key} AND ts >= ? AND ts <= ? LIMIT ?`;
    this.scanBackward = `SELECT ${ENTRY_COLUMNS} FROM ${f} ${key} AND ts >= ? AND ts <= ? ORDER BY ts DESC, writer DESC LIMIT ?`;
    const bucket = 'WHERE stream_id = ? AND bucket = ?';
    this.selectCommit = `SELECT feed_ts, ${eventColumns} FROM ${t} ${bucket} AND kind = ${EVENT_KIND} AND seq >= ? AND seq <= ?`;
    this.selectFeedTs = `SELECT feed_ts FROM ${t} ${bucket} LIMIT 1`;
    this.fenceAbove = `UPDATE ${t} SET feed_ts = ? ${bucket} IF feed_ts < ?`;
    this.fenceNull = `UPDATE ${t} SET feed_ts = ? ${bucket} IF feed_ts = null`;
  }
}
