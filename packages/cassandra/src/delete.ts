import { type ExpectedRevision, StorageUnavailableError } from '@streamstore/core';
import { matchesExpected } from '@streamstore/core/storage';
import cassandra from 'cassandra-driver';
import { isFull } from './chain.js';
import { type CassandraContext, executeLwt, locate, runLwtBatch } from './context.js';
import { translateDriverError } from './driver-errors.js';
import { long } from './session.js';

/** What a delete met: done (`deleted` false for a stream that did not exist), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

// Enough for any realistic interleaving of concurrent commits and deletes; the loop only repeats on a race.
const MAX_ATTEMPTS = 16;

/**
 * Deletes the stream (the SPI's `deleteStream`). Each branch is one LWT that makes the whole stream invisible,
 * conditioned on the head just read (so the expected check and the delete are one atomic step); removing the
 * partitions afterwards is cleanup, which a later reader completes if this process dies first.
 */
export async function deleteStream(
  ctx: CassandraContext,
  streamId: string,
  expected: ExpectedRevision | undefined,
): Promise<DeleteOutcome> {
  const { statements, config } = ctx;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const chain = await locate(ctx, streamId);
    if (chain.state === 'deleting') await dropChain(ctx, streamId, chain.gen, chain.last);
    if (chain.state !== 'live') {
      if (expected !== undefined && !matchesExpected(expected, 0)) return { status: 'conflict', actual: 0 };
      return { status: 'ok', deleted: false };
    }
    if (chain.stale) {
      await dropStale(ctx, streamId, chain.stale.bucket, chain.stale.gen);
      continue;
    }
    const { current } = chain;
    if (expected !== undefined && !matchesExpected(expected, current.head)) return { status: 'conflict', actual: current.head };
    if (isFull(current, config.bucketSize)) {
      // No commit can land in a full bucket: claiming the next one blocks the only place the stream could grow.
      const claimed = await executeLwt(
        ctx,
        statements.claimNextBucketDeleted,
        [cassandra.types.Uuid.fromString(current.gen), streamId, long(current.bucket + 1)],
        'delete stream',
      );
      if (!claimed.wasApplied()) continue;
      await dropChain(ctx, streamId, current.gen, current.bucket + 1);
      return { status: 'ok', deleted: true };
    }
    if (current.bucket === 0) {
      const result = await runLwtBatch(ctx, [
        { query: statements.clearHeadIfHead, params: [streamId, long(0), long(current.head)] },
        { query: statements.deletePartition, params: [streamId, long(0)] },
      ]).catch((error: unknown) => {
        throw translateDriverError(error, 'delete stream');
      });
      if (result.wasApplied()) return { status: 'ok', deleted: true };
      continue;
    }
    const marked = await executeLwt(
      ctx,
      statements.markDeleted,
      [streamId, long(current.bucket), long(current.head)],
      'delete stream',
    );
    if (!marked.wasApplied()) continue;
    await dropChain(ctx, streamId, current.gen, current.bucket);
    return { status: 'ok', deleted: true };
  }
  throw new StorageUnavailableError(`Stream '${streamId}': delete gave up after ${MAX_ATTEMPTS} contended attempts`);
}

/**
 * Removes buckets 0..`last` of generation `gen`, the marked bucket last so the stream reads as deleted throughout.
 * Each removal is conditioned on the generation: a slow helper can never remove a re-created stream's data.
 */
export async function dropChain(ctx: CassandraContext, streamId: string, gen: string, last: number): Promise<void> {
  for (let bucket = 0; bucket < last; bucket++) await dropBucket(ctx, streamId, bucket, gen);
  await dropBucket(ctx, streamId, last, gen);
}

/** Removes a leftover generation's buckets found after the live chain, starting at `bucket`. */
export async function dropStale(ctx: CassandraContext, streamId: string, bucket: number, gen: string): Promise<void> {
  for (let next = bucket; ; next++) {
    if (!(await dropBucket(ctx, streamId, next, gen))) return;
  }
}

async function dropBucket(ctx: CassandraContext, streamId: string, bucket: number, gen: string): Promise<boolean> {
  const { statements } = ctx;
  try {
    const result = await runLwtBatch(ctx, [
      { query: statements.clearHeadIfGen, params: [streamId, long(bucket), cassandra.types.Uuid.fromString(gen)] },
      { query: statements.deletePartition, params: [streamId, long(bucket)] },
    ]);
    return result.wasApplied();
  } catch (error) {
    throw translateDriverError(error, 'delete stream');
  }
}
