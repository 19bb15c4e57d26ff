import type { StoredEvent } from '@streamstore/core/storage';
import type cassandra from 'cassandra-driver';
import { type CassandraContext, executeLwt } from './context.js';
import { encodePosition, type FeedKey } from './feed-position.js';
import type { FeedStatements } from './feed-schema.js';
import { toStoredEvent } from './rows.js';
import { long, toNumber } from './session.js';

/** Rows per read of a commit's rows: below the driver's default page of 5,000. */
const ROWS_PER_READ = 4000;

/** One feed entry as read from its shard: the intent of one commit. */
export interface FeedEntry {
  key: FeedKey;
  streamId: string;
  bucket: number;
  firstRevision: number;
  count: number;
  category: string;
}

/** What the commit's rows say: its events, or that its revisions hold other events, or nothing there. */
type Found = { state: 'committed'; events: StoredEvent[] } | { state: 'other' } | { state: 'absent' };

/**
 * Decides a feed entry whose timestamp the readers' watermark passed: the events of its commit (with their positions)
 * when the commit landed, or none when it never did and never can. A commit lands only if its LWT finds the bucket's
 * `feed_ts` below its timestamp, so an entry whose rows are absent is settled by the bucket's `feed_ts`: at or above the
 * entry's timestamp, the commit can no longer land; below it (or unset), this reader fences it, an LWT raising
 * `feed_ts` to the entry's timestamp, after which it cannot land either. Rows read after that are final.
 */
export async function decideEntry(ctx: CassandraContext, entry: FeedEntry): Promise<StoredEvent[]> {
  const s = ctx.statements.feed as FeedStatements;
  const first = await readCommit(ctx, s, entry);
  if (first.state === 'committed') return first.events;
  if (first.state === 'other') return [];
  const row = (
    await ctx.session.execute(
      s.selectFeedTs,
      [entry.streamId, long(entry.bucket)],
      ctx.config.consistency.read,
      'read change feed',
    )
  ).first();
  const feedTs = row ? toNumber(row.feed_ts) : null;
  if (feedTs === null || feedTs < entry.key.ts) {
    const params = [long(entry.key.ts), entry.streamId, long(entry.bucket)];
    const fence =
      feedTs === null
        ? await executeLwt(ctx, s.fenceNull, params, 'fence change feed entry')
        : await executeLwt(ctx, s.fenceAbove, [...params, long(entry.key.ts)], 'fence change feed entry');
    // Applied: the commit had not landed, and now never will. Refused: feed_ts moved meanwhile (this commit, a later
    // one or another reader's fence): the rows decide.
    if (fence.wasApplied()) return [];
  }
  // feed_ts is at or above the entry's timestamp: read the rows again, the commit may have landed since the first read.
  const second = await readCommit(ctx, s, entry);
  return second.state === 'committed' ? second.events : [];
}

/** Reads the revisions the entry's commit would occupy; events count as its own only if they carry its positions. */
async function readCommit(ctx: CassandraContext, s: FeedStatements, entry: FeedEntry): Promise<Found> {
  const last = entry.firstRevision + entry.count - 1;
  const rows: cassandra.types.Row[] = [];
  // The driver returns one page (5,000 rows by default) per request: a larger commit is read in parts.
  for (let from = entry.firstRevision; from <= last; from += ROWS_PER_READ) {
    const page = await ctx.session.execute(
      s.selectCommit,
      [entry.streamId, long(entry.bucket), long(from), long(Math.min(last, from + ROWS_PER_READ - 1))],
      ctx.config.consistency.read,
      'read change feed',
    );
    rows.push(...page.rows);
    if (page.rows.length === 0) break;
  }
  if (rows.length === 0) return { state: 'absent' };
  const events: StoredEvent[] = [];
  for (const row of rows) {
    const revision = toNumber(row.seq) as number;
    if (row.feed_position !== encodePosition(entry.key, revision - entry.firstRevision)) continue;
    events.push(toStoredEvent(entry.streamId, row));
  }
  // Other events (another commit, another generation after a delete, or rows from before the feed) hold those
  // revisions: this commit's LWT, conditioned on the head below them, can never land.
  return events.length > 0 ? { state: 'committed', events } : { state: 'other' };
}
