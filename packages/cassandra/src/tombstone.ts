import cassandra from 'cassandra-driver';
import { type CassandraContext, runLwtBatch } from './context.js';
import { translateDriverError } from './driver-errors.js';
import { dropBucket } from './drop.js';
import { long } from './session.js';
import { tombstoneHead } from './statements.js';

/**
 * Places the tombstone of a stream that has no bucket 0 (never written, or soft-deleted and cleaned): bucket 0 created
 * with a tombstone head, by the same `IF head = null` LWT a first commit uses, so the two exclude each other. False
 * when a commit (or another delete) got there first: the caller looks again.
 */
export async function placeTombstone(ctx: CassandraContext, streamId: string): Promise<boolean> {
  const params = [long(tombstoneHead(0)), cassandra.types.Uuid.random(), streamId, long(0)];
  const result = await runLwtBatch(ctx, [{ query: ctx.statements.createFirstBucket, params }]).catch((error: unknown) => {
    throw translateDriverError(error, 'delete stream');
  });
  return result.wasApplied();
}

/**
 * Completes a hard delete of a chain of several buckets whose last bucket (`last`) holds the tombstone head (the
 * delete's atomic step, which already stopped every append). Bucket 0 gets the tombstone head for good (its rows
 * removed in the same batch), then the buckets in between go. The marked bucket keeps its head (its rows go): it keeps
 * refusing a commit planned before the delete that reaches it late (a claimed next bucket dropped here could be
 * created again).
 * If this process dies before bucket 0 is tombstoned, the next reader finds the chain `deleting` and completes it;
 * after that, buckets 1..last-1 left behind are unreachable garbage (readers stop at bucket 0).
 */
export async function finishTombstone(
  ctx: CassandraContext,
  streamId: string,
  gen: string,
  last: number,
  revision: number,
): Promise<void> {
  const { statements } = ctx;
  const key = [streamId, long(0)];
  await runLwtBatch(ctx, [
    { query: statements.tombstoneIfGen, params: [long(tombstoneHead(revision)), ...key, cassandra.types.Uuid.fromString(gen)] },
    { query: statements.deleteRows, params: key },
  ]).catch((error: unknown) => {
    throw translateDriverError(error, 'delete stream');
  });
  // Not applied: bucket 0 is no longer this generation's (another helper finished first); the rest is cleanup either way.
  for (let bucket = 1; bucket < last; bucket++) await dropBucket(ctx, streamId, bucket, gen);
  // The marked bucket's own events (none when it was claimed) go too; its static tombstone head stays.
  await ctx.session.execute(statements.deleteRows, [streamId, long(last)], ctx.config.consistency.write, 'delete stream');
}
