import type { types } from 'cassandra-driver';
import type { Session } from './session.js';
import { long, toNumber } from './session.js';
import { DELETED_HEAD, isTombstoneHead, type Statements, tombstonedRevision } from './statements.js';

/** The static columns of one bucket partition. */
export interface BucketHead {
  bucket: number;
  head: number;
  gen: string;
  createdAt: Date;
  updatedAt: Date;
  /** With the change feed: the timestamp of the bucket's last commit (or fence); null when unset. */
  feedTs?: number | null;
}

/**
 * What a stream looks like, walked from bucket 0:
 * - `absent`: no bucket 0;
 * - `deleting`: a delete marked the chain (`last` = its last bucket) and its partitions are being removed; `tombstone`
 *   (the revision the stream had) when that delete is a hard one, which ends with bucket 0 tombstoned;
 * - `tombstoned`: bucket 0 holds a tombstone head (a hard delete): never writable again;
 * - `live`: buckets 0..current of one generation; `stale` is a leftover bucket of an older generation right after.
 */
export type StreamChain =
  | { state: 'absent' }
  | { state: 'tombstoned'; revision: number; createdAt: Date; updatedAt: Date }
  | { state: 'deleting'; gen: string; last: number; tombstone?: number }
  | { state: 'live'; buckets: BucketHead[]; current: BucketHead; stale?: { bucket: number; gen: string } };

/** The buckets a commit starting after revision `head` goes to (commits never move to another bucket). */
export function bucketOf(head: number, bucketSize: number): number {
  return Math.floor(head / bucketSize);
}

/** Whether no further commit can start in `bucket` (its head reached the next bucket's range). */
export function isFull(bucket: BucketHead, bucketSize: number): boolean {
  return bucket.head >= (bucket.bucket + 1) * bucketSize;
}

/** Reads the static head of one bucket partition, or null when the partition does not exist. */
export async function readBucketHead(
  session: Session,
  statements: Statements,
  streamId: string,
  bucket: number,
  consistency: number,
): Promise<(Omit<BucketHead, 'gen'> & { gen: string | null }) | null> {
  const result: types.ResultSet = await session.execute(
    statements.selectBucketHead,
    [streamId, long(bucket)],
    consistency,
    'read stream head',
  );
  const row = result.first();
  const head = row ? toNumber(row.head) : null;
  if (!row || head === null) return null;
  return {
    bucket,
    head,
    gen: row.gen ? String(row.gen) : null,
    createdAt: row.created_at ?? new Date(0),
    updatedAt: row.updated_at ?? new Date(0),
    feedTs: toNumber(row.feed_ts),
  };
}

/**
 * Walks the stream's bucket chain from bucket 0. Buckets are contiguous within a generation (a commit holds at most
 * one bucket's worth of events), so the walk stops at the first bucket that is not full. Heads are fetched in
 * growing windows of parallel single-partition reads (1, then 4, 16, ... buckets).
 */
export async function locateStream(
  session: Session,
  statements: Statements,
  streamId: string,
  bucketSize: number,
  consistency: number,
  serialConsistency?: number,
): Promise<StreamChain> {
  const read = (bucket: number) => readBucketHead(session, statements, streamId, bucket, serialConsistency ?? consistency);
  const chain: BucketHead[] = [];
  let next = 0;
  let window = 1;
  for (;;) {
    const heads = await Promise.all(Array.from({ length: window }, (_, i) => read(next + i)));
    for (const head of heads) {
      const previous = chain[chain.length - 1];
      if (head !== null && head.bucket === 0 && isTombstoneHead(head.head)) {
        const { createdAt, updatedAt } = head;
        return { state: 'tombstoned', revision: tombstonedRevision(head.head), createdAt, updatedAt };
      }
      if (head === null || head.gen === null) {
        return previous ? { state: 'live', buckets: chain, current: previous } : { state: 'absent' };
      }
      if (previous && head.gen !== previous.gen) {
        return { state: 'live', buckets: chain, current: previous, stale: { bucket: head.bucket, gen: head.gen } };
      }
      if (head.head === DELETED_HEAD) return { state: 'deleting', gen: head.gen, last: head.bucket };
      if (isTombstoneHead(head.head)) {
        return { state: 'deleting', gen: head.gen, last: head.bucket, tombstone: tombstonedRevision(head.head) };
      }
      const bucket = head as BucketHead;
      chain.push(bucket);
      if (!isFull(bucket, bucketSize)) return { state: 'live', buckets: chain, current: bucket };
    }
    next += window;
    window = Math.min(window * 4, 64);
  }
}
