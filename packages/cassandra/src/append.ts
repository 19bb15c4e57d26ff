import { type ExpectedRevision, StorageUnavailableError } from '@streamstore/core';
import { type AppendOutcome, type EncodedEvent, type EventLocation, matchesExpected } from '@streamstore/core/storage';
import type { types } from 'cassandra-driver';
import cassandra from 'cassandra-driver';
import { bucketOf, isFull, type StreamChain } from './chain.js';
import { commitBatch, parseRejection, type Rejection, type WritePlan } from './commit-batch.js';
import { type CassandraContext, locate, runLwtBatch } from './context.js';
import { completeDelete, dropStale } from './delete.js';
import { isOutcomeUnknown, translateDriverError } from './driver-errors.js';
import { refusedForFeed } from './feed-write.js';
import { findIdsInBuckets, lookUpEvents, readStream } from './read.js';

// Enough for any realistic interleaving of concurrent commits and deletes; the loop only repeats on a race.
const MAX_ATTEMPTS = 16;

/**
 * Appends `events` atomically (the SPI's `append`): one conditional batch on the bucket the commit goes to. A known
 * expected revision is tried at once; anything else (and every refusal that is not a plain conflict) reads the chain.
 */
export async function append(
  ctx: CassandraContext,
  streamId: string,
  expected: ExpectedRevision,
  events: readonly EncodedEvent[],
): Promise<AppendOutcome> {
  const { config } = ctx;
  let plan =
    typeof expected === 'number' || expected === 'no-stream'
      ? directPlan(ctx, expected === 'no-stream' ? 0 : expected)
      : undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!plan) {
      const decided = await planFromChain(ctx, streamId, expected, await locate(ctx, streamId));
      if ('status' in decided) return decided;
      if (decided.retry) continue;
      plan = decided.plan;
    }
    if (plan.bucket > 0) {
      // Ids in earlier (full, hence immutable) buckets cannot be checked by this LWT: look them up first.
      const ids = events.map((event) => event.id);
      const earlier = await findIdsInBuckets(ctx, streamId, ids, plan.bucket, config.consistency.read);
      if (earlier.length > 0) return { status: 'duplicate' };
    }
    const rejection = await commit(ctx, streamId, plan, events);
    if ('applied' in rejection) {
      const revision = plan.head + events.length;
      return rejection.position === undefined
        ? { status: 'ok', revision }
        : { status: 'ok', revision, position: rejection.position };
    }
    const { head } = rejection;
    if (head === plan.head && rejection.duplicateIds.length > 0) return { status: 'duplicate', actual: head };
    // Bucket 0 is always the start of the live chain: a head found there that is not full is the stream's head.
    if (plan.bucket === 0 && head !== null && head >= 0 && head < config.bucketSize && head !== plan.head) {
      if (typeof expected === 'number' || expected === 'no-stream') return { status: 'conflict', actual: head };
    }
    // Anything else (bucket missing, full, marked deleted, or a later bucket): look at the whole chain.
    const decided = await planFromChain(ctx, streamId, expected, await locate(ctx, streamId));
    if ('status' in decided) return decided;
    plan = decided.retry ? undefined : decided.plan;
  }
  throw new StorageUnavailableError(`Stream '${streamId}': gave up after ${MAX_ATTEMPTS} contended attempts`);
}

/** The plan for an expected revision known up front: no read needed before the LWT. */
function directPlan(ctx: CassandraContext, head: number): WritePlan {
  if (head === 0) return { bucket: 0, head: 0, create: { gen: cassandra.types.Uuid.random(), createdAt: null } };
  return { bucket: bucketOf(head, ctx.config.bucketSize), head };
}

/** Decides what to do once the chain is known: an outcome, a plan, or "retry" after cleaning up. */
async function planFromChain(
  ctx: CassandraContext,
  streamId: string,
  expected: ExpectedRevision,
  chain: StreamChain,
): Promise<AppendOutcome | { plan: WritePlan; retry?: false } | { retry: true }> {
  // Before the expectation and the ids, as the SPI asks: a tombstoned stream takes no write at all.
  if (chain.state === 'tombstoned') return { status: 'deleted' };
  if (chain.state === 'deleting') {
    await completeDelete(ctx, streamId, chain);
    return { retry: true };
  }
  if (chain.state === 'live' && chain.stale) {
    await dropStale(ctx, streamId, chain.stale.bucket, chain.stale.gen);
    return { retry: true };
  }
  const head = chain.state === 'live' ? chain.current.head : 0;
  if (!matchesExpected(expected, head)) return { status: 'conflict', actual: head };
  if (chain.state === 'absent') return { plan: directPlan(ctx, 0) };
  const { current } = chain;
  const first = chain.buckets[0] ?? current;
  if (!isFull(current, ctx.config.bucketSize)) return { plan: { bucket: current.bucket, head, feedTs: current.feedTs ?? null } };
  return {
    plan: {
      bucket: current.bucket + 1,
      head,
      create: { gen: cassandra.types.Uuid.fromString(current.gen), createdAt: first.createdAt },
      // The stream's next commit must come after its last one in the feed too: above the full bucket's last.
      feedFloor: current.feedTs ?? 0,
    },
  };
}

/** A commit that was applied, with the position of its last event when the change feed is on. */
type Applied = { applied: true; position?: string };

/** Feed intents a commit may go through when readers fence them or other writers' clocks are ahead. */
const MAX_FEED_ATTEMPTS = 16;

/**
 * Runs the commit's single conditional batch. Resolves unknown outcomes by reading back. With the change feed, each
 * attempt first writes its feed entry (the intent); a batch refused only for its `feed_ts` condition is retried with
 * a new intent above the bucket's `feed_ts`, and the entry of a refused batch is retired.
 */
async function commit(
  ctx: CassandraContext,
  streamId: string,
  plan: WritePlan,
  events: readonly EncodedEvent[],
): Promise<Rejection | Applied> {
  let unknown = 0;
  for (let feedAttempt = 0; feedAttempt < MAX_FEED_ATTEMPTS; feedAttempt++) {
    const intent = ctx.feed ? await ctx.feed.prepare(streamId, plan, events.length) : undefined;
    const statements = commitBatch(ctx.statements, streamId, plan, events, intent);
    let result: types.ResultSet;
    try {
      result = await runLwtBatch(ctx, statements);
    } catch (error) {
      if (!isOutcomeUnknown(error)) {
        if (intent) await ctx.feed?.retire(intent);
        throw translateDriverError(error, 'append');
      }
      const resolved = await resolveUnknownOutcome(ctx, streamId, plan, events, error);
      // With the feed, the batch that landed may be an earlier attempt's: its rows tell the position.
      if (resolved === 'applied')
        return intent ? { applied: true, position: await lastPosition(ctx, streamId, plan, events) } : { applied: true };
      if (resolved === 'duplicate') return { head: plan.head, duplicateIds: events.map((event) => event.id), feedTs: null };
      // Not applied (a SERIAL read completed any in-flight round): sending the same conditional batch again is
      // safe, its conditions make a late first attempt and the retry mutually exclusive. (The intent of the first
      // stays: if it lands late after all, readers find it.)
      if (unknown++ >= 1) {
        throw new StorageUnavailableError(
          `Stream '${streamId}': the outcome of the commit is unknown (the LWT timed out twice); retry with the same event ids`,
          { cause: error },
        );
      }
      continue;
    }
    if (result.wasApplied()) return intent ? { applied: true, position: intent.position(events.length - 1) } : { applied: true };
    const rejection = parseRejection(result);
    if (intent) await ctx.feed?.retire(intent);
    if (!intent || !refusedForFeed(plan, rejection, intent)) return rejection;
    plan.feedTs = rejection.feedTs;
  }
  throw new StorageUnavailableError(`Stream '${streamId}': the commit's change feed condition failed ${MAX_FEED_ATTEMPTS} times`);
}

/** The position stored with the last event of a commit found applied. */
async function lastPosition(ctx: CassandraContext, streamId: string, plan: WritePlan, events: readonly EncodedEvent[]) {
  const [last] = await readStream(ctx, streamId, { from: plan.head + events.length, direction: 'forward', limit: 1 });
  return last?.position;
}

/** SERIAL read-backs of an unknown outcome before reporting it unknown (the read-back may meet the same contention). */
const READ_BACK_ATTEMPTS = 3;

/**
 * After a timeout of the LWT the write may or may not have happened. Reading the batch's ids back at SERIAL
 * consistency (which completes any in-flight Paxos round) tells: all at the planned revisions -> applied; some or
 * elsewhere -> a duplicate for the core to resolve; none -> not applied.
 */
export async function resolveUnknownOutcome(
  ctx: CassandraContext,
  streamId: string,
  plan: { head: number },
  events: readonly EncodedEvent[],
  cause: unknown,
): Promise<'applied' | 'duplicate' | 'not-applied'> {
  let locations: EventLocation[] | undefined;
  const ids = events.map((event) => event.id);
  for (let attempt = 1; locations === undefined; attempt++) {
    try {
      locations = await lookUpEvents(ctx, streamId, ids, ctx.config.consistency.serial);
    } catch (error) {
      // The SERIAL read-back is a Paxos round too: under the contention that made the LWT time out it may time out
      // as well. It is a read: after a short random pause (the contenders spread out) it is tried again.
      if (error instanceof StorageUnavailableError && attempt < READ_BACK_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, attempt * (200 + Math.random() * 400)));
        continue;
      }
      throw new StorageUnavailableError(
        `Stream '${streamId}': the outcome of the commit is unknown and the event ids could not be read back; retry with the same event ids`,
        { cause: error instanceof StorageUnavailableError ? (error.cause ?? cause) : error },
      );
    }
  }
  if (locations.length === 0) return 'not-applied';
  const byId = new Map(locations.map((location) => [location.id, location.revision]));
  const applied = events.every((event, i) => byId.get(event.id) === plan.head + 1 + i);
  return applied ? 'applied' : 'duplicate';
}
