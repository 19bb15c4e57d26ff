import { type ExpectedRevision, StorageUnavailableError } from '@streamstore/core';
import { matchesExpected } from '@streamstore/core/storage';
import cassandra from 'cassandra-driver';
import { isFull } from './chain.js';
import { type CassandraContext, executeLwt, locate, runLwtBatch } from './context.js';
import { translateDriverError } from './driver-errors.js';
import { dropChain, dropStale } from './drop.js';
import { long } from './session.js';
import { DELETED_HEAD, tombstoneHead } from './statements.js';
import { finishTombstone, placeTombstone } from './tombstone.js';

/** What a delete met: done (`deleted` false for a stream that did not exist), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

// Enough for any realistic interleaving of concurrent commits and deletes; the loop only repeats on a race.
const MAX_ATTEMPTS = 16;

/**
 * Deletes the stream (the SPI's `deleteStream`). Each branch is one LWT that makes the whole stream invisible,
 * conditioned on the head just read (so the expected check and the delete are one atomic step); removing the
 * partitions afterwards is cleanup, which a later reader completes if this process dies first. With `hard`, the same
 * LWT writes a tombstone head instead of the soft delete's mark (see `tombstoneHead`), and bucket 0 keeps it for good.
 */
export async function deleteStream(
  ctx: CassandraContext,
  streamId: string,
  expected: ExpectedRevision | undefined,
  hard = false,
): Promise<DeleteOutcome> {
  const { statements, config } = ctx;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const chain = await locate(ctx, streamId);
    // A tombstone is final: whatever the expectation, there is nothing (more) to delete.
    if (chain.state === 'tombstoned') return { status: 'ok', deleted: false };
    if (chain.state === 'deleting') {
      await completeDelete(ctx, streamId, chain);
      continue;
    }
    if (chain.state === 'absent') {
      if (expected !== undefined && !matchesExpected(expected, 0)) return { status: 'conflict', actual: 0 };
      if (!hard) return { status: 'ok', deleted: false };
      // A stream that never existed gets its tombstone all the same: bucket 0 created with a tombstone head.
      if (await placeTombstone(ctx, streamId)) return { status: 'ok', deleted: true };
      continue;
    }
    if (chain.stale) {
      await dropStale(ctx, streamId, chain.stale.bucket, chain.stale.gen);
      continue;
    }
    const { current } = chain;
    if (expected !== undefined && !matchesExpected(expected, current.head)) return { status: 'conflict', actual: current.head };
    const mark = long(hard ? tombstoneHead(current.head) : DELETED_HEAD);
    const gen = cassandra.types.Uuid.fromString(current.gen);
    if (isFull(current, config.bucketSize)) {
      // No commit can land in a full bucket: claiming the next one blocks the only place the stream could grow.
      const next = long(current.bucket + 1);
      const claimed = hard
        ? await executeLwt(ctx, statements.claimNextBucketTombstoned, [mark, gen, streamId, next], 'delete stream')
        : await executeLwt(ctx, statements.claimNextBucketDeleted, [gen, streamId, next], 'delete stream');
      if (!claimed.wasApplied()) continue;
      await completeDelete(ctx, streamId, {
        gen: current.gen,
        last: current.bucket + 1,
        tombstone: hard ? current.head : undefined,
      });
      return { status: 'ok', deleted: true };
    }
    if (current.bucket === 0) {
      const key = [streamId, long(0)];
      const result = await runLwtBatch(
        ctx,
        hard
          ? [
              { query: statements.tombstoneIfHead, params: [mark, ...key, long(current.head)] },
              { query: statements.deleteRows, params: key },
            ]
          : [
              { query: statements.clearHeadIfHead, params: [...key, long(current.head)] },
              { query: statements.deletePartition, params: key },
            ],
      ).catch((error: unknown) => {
        throw translateDriverError(error, 'delete stream');
      });
      if (result.wasApplied()) return { status: 'ok', deleted: true };
      continue;
    }
    const marked = hard
      ? await executeLwt(
          ctx,
          statements.tombstoneIfHead,
          [mark, streamId, long(current.bucket), long(current.head)],
          'delete stream',
        )
      : await executeLwt(ctx, statements.markDeleted, [streamId, long(current.bucket), long(current.head)], 'delete stream');
    if (!marked.wasApplied()) continue;
    await completeDelete(ctx, streamId, { gen: current.gen, last: current.bucket, tombstone: hard ? current.head : undefined });
    return { status: 'ok', deleted: true };
  }
  throw new StorageUnavailableError(`Stream '${streamId}': delete gave up after ${MAX_ATTEMPTS} contended attempts`);
}

/** Completes a delete whose mark is on bucket `last`: a soft one drops the chain, a hard one tombstones bucket 0. */
export async function completeDelete(
  ctx: CassandraContext,
  streamId: string,
  marked: { gen: string; last: number; tombstone?: number | undefined },
): Promise<void> {
  if (marked.tombstone === undefined) await dropChain(ctx, streamId, marked.gen, marked.last);
  else await finishTombstone(ctx, streamId, marked.gen, marked.last, marked.tombstone);
}

export { dropChain, dropStale };
