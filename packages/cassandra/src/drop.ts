import cassandra from 'cassandra-driver';
import { type CassandraContext, runLwtBatch } from './context.js';
import { translateDriverError } from './driver-errors.js';
import { long } from './session.js';

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

export async function dropBucket(ctx: CassandraContext, streamId: string, bucket: number, gen: string): Promise<boolean> {
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
