import { categoryOf, StorageUnavailableError } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import type { Rejection, WritePlan } from './commit-batch.js';
import { commitNumber, encodePosition, type FeedKey, shardOf } from './feed-position.js';
import type { FeedStatements } from './feed-schema.js';
import type { ResolvedConfig, ResolvedFeed } from './options.js';
import { long, type Session } from './session.js';

/** Attempts to write an intent in time before the commit gives up (each one a plain QUORUM write). */
const MAX_INTENT_ATTEMPTS = 8;

/** The wall clock in microseconds (sub-millisecond resolution, so one process rarely needs to bump a timestamp). */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * A feed entry written before a commit's LWT: where it is, and what the LWT must carry. `condition` is what the LWT
 * requires of the bucket's `feed_ts`: below `ts` (`above`) or unset (`null`).
 */
export interface FeedIntent {
  readonly ts: number;
  readonly key: FeedKey;
  readonly slot: number;
  readonly commitId: cassandra.types.Uuid;
  readonly condition: 'above' | 'null';
  /** The global position of the commit's event `index`. */
  position(index: number): string;
}

/**
 * The writing side of the change feed, one per storage: a per-process monotonic clock for entry timestamps, the
 * feed's origin row, and intents written and retired.
 */
export class FeedWriter {
  private last = 0;
  private origin: Promise<void> | undefined;

  constructor(
    private readonly session: Session,
    private readonly statements: FeedStatements,
    private readonly config: ResolvedConfig & { feed: ResolvedFeed },
  ) {}

  /** A timestamp above every one this process took and above `floor`, normally the clock. */
  nextTs(floor: number): number {
    this.last = Math.max(nowMicros(), this.last + 1, floor + 1);
    return this.last;
  }

  /**
   * Writes the intent of a commit planned by `plan` (QUORUM). It must be written within settleMs/2 of its timestamp:
   * readers pass a timestamp settleMs after it, and an entry written later could be missed by a reader that already
   * passed, while its commit lands. A slow write is retired and another one written with a fresh timestamp.
   */
  async prepare(streamId: string, plan: WritePlan, count: number): Promise<FeedIntent> {
    const { feed, consistency } = this.config;
    if (!this.origin)
      this.origin = this.writeOrigin().catch((error) => {
        this.origin = undefined;
        throw error;
      });
    await this.origin;
    const floor = Math.max(plan.feedFloor ?? 0, plan.feedTs ?? 0);
    const condition = plan.feedTs === undefined ? (plan.create ? 'null' : 'above') : plan.feedTs === null ? 'null' : 'above';
    const shard = shardOf(streamId, feed.shards);
    for (let attempt = 0; attempt < MAX_INTENT_ATTEMPTS; attempt++) {
      const ts = this.nextTs(floor);
      const commitId = cassandra.types.Uuid.random();
      const key: FeedKey = { ts: BigInt(ts), shard, commit: commitNumber(commitId.toString()) };
      const intent: FeedIntent = {
        ts,
        key,
        slot: Math.floor(ts / (feed.slotSeconds * 1_000_000)),
        commitId,
        condition,
        position: (index) => encodePosition(key, index),
      };
      await this.session.execute(
        this.statements.insertEntry,
        [
          shard,
          long(intent.slot),
          long(ts),
          commitId,
          streamId,
          long(plan.bucket),
          long(plan.head + 1),
          count,
          categoryOf(streamId),
        ],
        consistency.write,
        'write change feed entry',
      );
      if (nowMicros() - ts <= (feed.settleMs * 1000) / 2) return intent;
      await this.retire(intent);
    }
    throw new StorageUnavailableError(
      `Stream '${streamId}': the change feed entry could not be written within ${feed.settleMs / 2} ms, ${MAX_INTENT_ATTEMPTS} times (raise changeFeed.settleMs?)`,
    );
  }

  /**
   * Deletes the entry of a commit whose LWT was refused: readers would find it not committed anyway, this spares them
   * the check. Best effort: a failure leaves it to them.
   */
  async retire(intent: FeedIntent): Promise<void> {
    try {
      await this.session.execute(
        this.statements.deleteEntry,
        [intent.key.shard, long(intent.slot), long(intent.ts), intent.commitId],
        this.config.consistency.write,
        'retire change feed entry',
      );
    } catch {
      // Readers decide an entry without a commit by themselves (fencing it if they must).
    }
  }

  /** A row in the origin partition: readers starting from the beginning start at the smallest one. */
  private async writeOrigin(): Promise<void> {
    await this.session.execute(
      this.statements.insertOrigin,
      [long(this.nextTs(0)), cassandra.types.Uuid.random()],
      this.config.consistency.write,
      'write change feed origin',
    );
  }
}

/**
 * Whether a refused LWT was refused only for its `feed_ts` condition: the bucket's head was the planned one, no id
 * was a duplicate, and the bucket's `feed_ts` is not what the intent required. The commit is then retried with a
 * new intent above that `feed_ts` (a fence of a reader, or a commit of a writer whose clock is ahead).
 */
export function refusedForFeed(plan: WritePlan, rejection: Rejection, intent: FeedIntent): boolean {
  const headMatches = plan.create ? rejection.head === null : rejection.head === plan.head;
  if (!headMatches || rejection.duplicateIds.length > 0) return false;
  const feedTs = rejection.feedTs;
  return intent.condition === 'null' ? feedTs !== null : feedTs === null || feedTs >= intent.ts;
}
