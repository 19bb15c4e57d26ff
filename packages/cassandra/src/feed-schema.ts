import { quoteIdentifier } from './identifiers.js';
import type { ResolvedConfig } from './options.js';
import { EVENT_KIND, eventsTable } from './schema.js';

/** `"keyspace"."<table>_feed"`: the change feed's entries. */
export function feedTable(config: ResolvedConfig): string {
  return `${quoteIdentifier(config.keyspace)}.${quoteIdentifier(`${config.table}_feed`)}`;
}

/** The partition of the feed table holding one row per writer process: the smallest `ts` is the feed's origin. */
export const ORIGIN_SHARD = -1;

/**
 * Migration 4 (only with the change feed on): the feed table, and two columns of the events table. Feed entries live
 * in partitions of one shard and one time slot, ordered by the writer's timestamp; `feed_ts` (static) is the timestamp
 * of the bucket's last commit (or of a reader's fence), which every commit's LWT must exceed; `feed_position` is an
 * event's global position, which names the commit it belongs to (see feed-position.ts).
 */
export function feedMigrationStatements(config: ResolvedConfig): string[] {
  const t = eventsTable(config);
  return [
    `CREATE TABLE IF NOT EXISTS ${feedTable(config)} (
  shard int,
  slot bigint,
  ts bigint,
  commit_id uuid,
  stream_id text,
  bucket bigint,
  first_revision bigint,
  count int,
  category text,
  PRIMARY KEY ((shard, slot), ts, commit_id)
) WITH CLUSTERING ORDER BY (ts ASC, commit_id ASC)`,
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

const ENTRY_COLUMNS = 'ts, commit_id, stream_id, bucket, first_revision, count, category';

/** The CQL of the change feed, built once from the validated names. */
export class FeedStatements {
  readonly insertEntry: string;
  readonly deleteEntry: string;
  readonly insertOrigin: string;
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
    this.deleteEntry = `DELETE FROM ${f} ${key} AND ts = ? AND commit_id = ?`;
    this.insertOrigin = `INSERT INTO ${f} (shard, slot, ts, commit_id) VALUES (${ORIGIN_SHARD}, 0, ?, ?)`;
    this.selectOrigin = `SELECT ts FROM ${f} WHERE shard = ${ORIGIN_SHARD} AND slot = 0 LIMIT 1`;
    this.scanForward = `SELECT ${ENTRY_COLUMNS} FROM ${f} ${key} AND ts >= ? AND ts <= ? LIMIT ?`;
    this.scanBackward = `SELECT ${ENTRY_COLUMNS} FROM ${f} ${key} AND ts >= ? AND ts <= ? ORDER BY ts DESC, commit_id DESC LIMIT ?`;
    const bucket = 'WHERE stream_id = ? AND bucket = ?';
    this.selectCommit = `SELECT feed_ts, ${eventColumns} FROM ${t} ${bucket} AND kind = ${EVENT_KIND} AND seq >= ? AND seq <= ?`;
    this.selectFeedTs = `SELECT feed_ts FROM ${t} ${bucket} LIMIT 1`;
    this.fenceAbove = `UPDATE ${t} SET feed_ts = ? ${bucket} IF feed_ts < ?`;
    this.fenceNull = `UPDATE ${t} SET feed_ts = ? ${bucket} IF feed_ts = null`;
  }
}
