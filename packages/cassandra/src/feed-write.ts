import { categoryOf, StorageUnavailableError } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import type { Rejection, WritePlan } from './commit-batch.js';
import type { FeedIntent } from './feed-intent.js';
import { encodePosition, FEED_WRITERS, type FeedKey, nowTicks, shardOf, TICK_MICROS } from './feed-position.js';
import type { FeedStatements } from './feed-schema.js';
import type { ResolvedConfig, ResolvedFeed } from './options.js';
import { long, type Session } from './session.js';

export type { FeedIntent } from './feed-intent.js';

/** Attempts to write an intent in time before the commit gives up (each one a plain QUORUM write). */
const MAX_INTENT_ATTEMPTS = 8;
/** A writer number is leased for this long (seconds), and renewed when half of it has passed. */
const LEASE_SECONDS = 600;

/**
 * The writing side of the change feed, one per storage: a per-process monotonic clock for entry timestamps, the
 * writer number it leases (so that a timestamp and a writer number name one commit), the feed's origin row, and
 * intents written and retired.
 */
export class FeedWriter {
  private last = 0;
  private lease: { writer: number; owner: string; renewedAt: number } | undefined;
  private leasing: Promise<number> | undefined;
  private originWritten = false;

  constructor(
    private readonly session: Session,
    private readonly statements: FeedStatements,
    private readonly config: ResolvedConfig & { feed: ResolvedFeed },
  ) {}

  /** A timestamp (in ticks) above every one this process took and above `floor`, normally the clock. */
  nextTs(floor: number): number {
    this.last = Math.max(nowTicks(), this.last + 1, floor + 1);
    return this.last;
  }

  /**
   * Writes the intent of a commit planned by `plan` (QUORUM). It must be written within settleMs/2 of its timestamp:
   * readers pass a timestamp settleMs after it, and an entry written later could be missed by a reader that already
   * passed, while its commit lands. A slow write is retired and another one written with a fresh timestamp.
   */
  async prepare(streamId: string, plan: WritePlan, count: number): Promise<FeedIntent> {
    const { feed, consistency } = this.config;
    const writer = await this.writer();
    if (!this.originWritten) {
      await this.write(this.statements.insertOrigin, [long(this.nextTs(0)), writer], 'write change feed origin');
      this.originWritten = true;
    }
    const floor = Math.max(plan.feedFloor ?? 0, plan.feedTs ?? 0);
    const condition = plan.feedTs === undefined ? (plan.create ? 'null' : 'above') : plan.feedTs === null ? 'null' : 'above';
    const shard = shardOf(streamId, feed.shards);
    for (let attempt = 0; attempt < MAX_INTENT_ATTEMPTS; attempt++) {
      const ts = this.nextTs(floor);
      const key: FeedKey = { ts, writer };
      const intent: FeedIntent = {
        ts,
        key,
        shard,
        slot: slotOf(ts, feed),
        condition,
        position: (index) => encodePosition(key, index),
      };
      const entry = [long(ts), writer, streamId, long(plan.bucket), long(plan.head + 1), count, categoryOf(streamId)];
      await this.session.execute(
        this.statements.insertEntry,
        [shard, long(intent.slot), ...entry],
        consistency.write,
        'write change feed entry',
      );
      if ((nowTicks() - ts) * TICK_MICROS <= (feed.settleMs * 1000) / 2) return intent;
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
      await this.write(
        this.statements.deleteEntry,
        [intent.shard, long(intent.slot), long(intent.ts), intent.key.writer],
        'retire change feed entry',
      );
    } catch {
      // Readers decide an entry without a commit by themselves (fencing it if they must).
    }
  }

  /**
   * This storage's writer number: leased with an LWT (`IF NOT EXISTS`, a TTL), tried at random numbers until one is
   * free, and renewed on use once half the lease has passed (a renewal that finds it taken leases another one).
   */
  private async writer(): Promise<number> {
    const lease = this.lease;
    if (lease && Date.now() - lease.renewedAt < (LEASE_SECONDS * 1000) / 2) return lease.writer;
    this.leasing ??= this.renewOrClaim().finally(() => {
      this.leasing = undefined;
    });
    return this.leasing;
  }

  private async renewOrClaim(): Promise<number> {
    const { consistency } = this.config;
    const lwt = (query: string, params: unknown[]) =>
      this.session.execute(query, params, consistency.write, 'lease change feed writer', consistency.serial);
    const held = this.lease;
    if (held) {
      const renewed = await lwt(this.statements.renewWriter, [LEASE_SECONDS, held.owner, held.writer, held.owner]);
      if (renewed.wasApplied()) {
        held.renewedAt = Date.now();
        return held.writer;
      }
    }
    const owner = cassandra.types.Uuid.random().toString();
    for (let attempt = 0; attempt < 64; attempt++) {
      const writer = Math.floor(Math.random() * FEED_WRITERS);
      const claimed = await lwt(this.statements.claimWriter, [writer, owner, LEASE_SECONDS]);
      if (claimed.wasApplied()) {
        this.lease = { writer, owner, renewedAt: Date.now() };
        return writer;
      }
    }
    throw new StorageUnavailableError(`No free change feed writer number (of ${FEED_WRITERS}) after 64 attempts`);
  }

  private write(query: string, params: unknown[], what: string) {
    return this.session.execute(query, params, this.config.consistency.write, what);
  }
}

/** The time slot (feed partition) of a timestamp in ticks. */
export function slotOf(ts: number, feed: ResolvedFeed): number {
  return Math.floor(ts / ((feed.slotSeconds * 1_000_000) / TICK_MICROS));
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
