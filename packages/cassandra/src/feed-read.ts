import type { StoredEvent } from '@streamstore/core/storage';
import { throwIfAborted } from '@streamstore/core/storage';
import type cassandra from 'cassandra-driver';
import type { CassandraContext } from './context.js';
import { decideEntry, type FeedEntry } from './feed-decide.js';
import { compareKeys, decodePosition, type FeedKey, nowTicks, TICK_MICROS } from './feed-position.js';
import type { FeedStatements } from './feed-schema.js';
import { slotOf } from './feed-write.js';
import type { ResolvedFeed } from './options.js';
import { long, toNumber } from './session.js';

/** Where a read resumes: past the commit at `key`, or (`index`) past its event `index` only. */
interface Cursor {
  key: FeedKey;
  /** Events of the commit at `key` still to come are those beyond it (forward: above, backward: below). */
  index?: number;
}

type Direction = 'forward' | 'backward';

/** Entries decided in parallel (each one a single-partition read of its commit's rows). */
const DECIDE_CONCURRENCY = 64;

/**
 * The reading side of the change feed: the global log as the merge of every shard's entries up to a watermark
 * settleMs behind the clock, each entry decided (see `decideEntry`) before it is delivered or skipped.
 */
export class FeedReader {
  private readonly s: FeedStatements;
  private readonly feed: ResolvedFeed;

  constructor(private readonly ctx: CassandraContext) {
    this.s = ctx.statements.feed as FeedStatements;
    this.feed = ctx.config.feed as ResolvedFeed;
  }

  /**
   * Up to `limit` events after `after` in feed order (the SPI's `readAll`, or `readCategory` with `category`). Reads
   * first up to the current watermark; a page that ends short of `limit` also waits until the watermark passes the
   * call's start, so every commit acknowledged before the call is in it.
   */
  async read(query: { after?: string; limit: number; category?: string }, signal?: AbortSignal): Promise<StoredEvent[]> {
    const start = nowTicks();
    let cursor: Cursor | undefined = query.after === undefined ? undefined : decodeCursor(query.after);
    const events: StoredEvent[] = [];
    for (const high of [start - this.settleTicks(), start]) {
      if (high === start) await this.waitFor(start, signal);
      const page = await this.readRange('forward', cursor, high, query.limit - events.length, query.category, signal);
      events.push(...page);
      const last = events[events.length - 1];
      if (last?.position) cursor = decodeCursor(last.position);
      if (events.length >= query.limit) break;
    }
    return events;
  }

  /** Up to `limit` events before `before` (absent: from the end), newest first (the SPI's `readAllBackward`). */
  async readBackward(query: { before?: string; limit: number; category?: string }, signal?: AbortSignal) {
    const start = nowTicks();
    await this.waitFor(start, signal);
    let cursor = query.before === undefined ? undefined : decodeCursor(query.before);
    // A position past the watermark (a checkpoint of a later log) reads from the watermark.
    if (cursor && cursor.key.ts > start) cursor = undefined;
    return this.readRange('backward', cursor, start, query.limit, query.category, signal);
  }

  /** The position of the last event at or below the watermark, after waiting for it to pass the call's start. */
  async headPosition(signal?: AbortSignal): Promise<string | undefined> {
    const [last] = await this.readBackward({ limit: 1 }, signal);
    return last?.position;
  }

  /** settleMs in ticks. */
  private settleTicks(): number {
    return (this.feed.settleMs * 1000) / TICK_MICROS;
  }

  /** Sleeps until the watermark (the clock minus settleMs) reaches `ts`. */
  private async waitFor(ts: number, signal?: AbortSignal): Promise<void> {
    const ms = ((ts - nowTicks()) * TICK_MICROS) / 1000 + this.feed.settleMs;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(ms)));
    throwIfAborted(signal);
  }

  /**
   * Events beyond `cursor` up to the timestamp `high` (forward) or below `cursor` (backward, `high` the start), in
   * rounds: each shard yields up to `limit` entries (in parallel), merged; only entries not past the last one of a
   * shard that filled up are taken (a later round reads on from there), and decided in order.
   */
  private async readRange(
    direction: Direction,
    cursor: Cursor | undefined,
    high: number,
    limit: number,
    category: string | undefined,
    signal?: AbortSignal,
  ): Promise<StoredEvent[]> {
    const origin = await this.origin();
    if (origin === null || limit <= 0) return [];
    const sign = direction === 'forward' ? 1 : -1;
    const events: StoredEvent[] = [];
    for (;;) {
      throwIfAborted(signal);
      const lowTs = direction === 'forward' && cursor ? cursor.key.ts : origin;
      const highTs = direction === 'backward' && cursor ? Math.min(cursor.key.ts, high) : high;
      if (lowTs > highTs) return events;
      // A commit holds one event or more: a share of `limit` per shard (twice the even share) is usually enough for
      // a page; a shard that fills its share only bounds how far this round goes (the cutoff), never correctness.
      const share = Math.min(limit, Math.max(16, Math.ceil((2 * limit) / this.feed.shards)));
      const shards = await Promise.all(
        Array.from({ length: this.feed.shards }, (_, shard) =>
          this.scanShard(shard, direction, lowTs, highTs, share, cursor, category),
        ),
      );
      let cutoff: FeedKey | undefined;
      for (const scanned of shards) {
        const last = scanned[scanned.length - 1];
        if (scanned.length >= share && last && (!cutoff || sign * compareKeys(last.key, cutoff) < 0)) cutoff = last.key;
      }
      const merged = shards
        .flat()
        .filter((entry) => !cutoff || sign * compareKeys(entry.key, cutoff) <= 0)
        .sort((a, b) => sign * compareKeys(a.key, b.key));
      for (let i = 0; i < merged.length; i += DECIDE_CONCURRENCY) {
        const batch = merged.slice(i, i + DECIDE_CONCURRENCY);
        const decided = await Promise.all(batch.map((entry) => decideEntry(this.ctx, entry)));
        for (let j = 0; j < batch.length; j++) {
          const entry = batch[j] as FeedEntry;
          let own = decided[j] ?? [];
          if (direction === 'backward') own = own.reverse();
          if (cursor && compareKeys(entry.key, cursor.key) === 0 && cursor.index !== undefined) {
            const at = cursor.index;
            own = own.filter((event) => sign * (decodePosition(event.position as string).index - at) > 0);
          }
          for (const event of own) {
            events.push(event);
            if (events.length >= limit) return events;
          }
        }
        throwIfAborted(signal);
      }
      if (!cutoff) return events;
      cursor = { key: cutoff };
    }
  }

  /** Up to `limit` entries of one shard beyond `cursor` within [lowTs, highTs], walking its time slots in order. */
  private async scanShard(
    shard: number,
    direction: Direction,
    lowTs: number,
    highTs: number,
    limit: number,
    cursor: Cursor | undefined,
    category: string | undefined,
  ): Promise<FeedEntry[]> {
    const [firstSlot, lastSlot] = [slotOf(lowTs, this.feed), slotOf(highTs, this.feed)];
    const sign = direction === 'forward' ? 1 : -1;
    const query = direction === 'forward' ? this.s.scanForward : this.s.scanBackward;
    const found: FeedEntry[] = [];
    let from = lowTs;
    let to = highTs;
    let after = cursor?.key;
    // The cursor's own commit is read again when only part of its events were delivered.
    let inclusive = cursor?.index !== undefined ? cursor.key : undefined;
    for (let slot = direction === 'forward' ? firstSlot : lastSlot; slot >= firstSlot && slot <= lastSlot; slot += sign) {
      for (;;) {
        const fetch = Math.max(limit - found.length, 100);
        const page = await this.ctx.session.execute(
          query,
          [shard, long(slot), long(from), long(to), fetch],
          this.ctx.config.consistency.read,
          'read change feed',
        );
        for (const row of page.rows) {
          const entry = toEntry(row);
          if (after && sign * compareKeys(entry.key, after) <= 0) {
            if (!inclusive || compareKeys(entry.key, inclusive) !== 0) continue;
          }
          if (category !== undefined && entry.category !== category) continue;
          found.push(entry);
          if (found.length >= limit) return found;
        }
        const last = page.rows[page.rows.length - 1];
        if (page.rows.length < fetch || !last) break;
        // A full page: go on within the slot from its last timestamp (equal timestamps are filtered by key).
        const lastEntry = toEntry(last);
        if (!after || sign * compareKeys(lastEntry.key, after) > 0) {
          after = lastEntry.key;
          inclusive = undefined; // passed: the page held it
        }
        if (direction === 'forward') from = lastEntry.key.ts;
        else to = lastEntry.key.ts;
      }
    }
    return found;
  }

  /** The smallest timestamp in the origin partition (every writer process writes one before its first entry). */
  private async origin(): Promise<number | null> {
    const page = await this.ctx.session.execute(this.s.selectOrigin, [], this.ctx.config.consistency.read, 'read change feed');
    return toNumber(page.first()?.ts);
  }
}

function toEntry(row: cassandra.types.Row): FeedEntry {
  return {
    key: { ts: toNumber(row.ts) as number, writer: row.writer as number },
    streamId: row.stream_id as string,
    bucket: toNumber(row.bucket) as number,
    firstRevision: toNumber(row.first_revision) as number,
    count: row.count as number,
    category: row.category as string,
  };
}

/** A position as a cursor: forward reads go on past its event, backward reads before it. */
function decodeCursor(position: string): Cursor {
  const { key, index } = decodePosition(position);
  return { key, index };
}
