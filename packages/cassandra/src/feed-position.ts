import { ValidationError } from '@streamstore/core';

/**
 * A change-feed position is one decimal number (the core compares positions as decimal strings: by length, then
 * digit by digit), packing, from the most significant end: the commit's feed timestamp (microseconds), its shard, its
 * commit id (128 bits) and the event's index in the commit. Feed order is therefore (ts, shard, commit id, index):
 * the same order readers merge the shards in.
 */
export interface FeedKey {
  ts: bigint;
  shard: number;
  /** The commit id as a 128-bit number. */
  commit: bigint;
}

const INDEX_BITS = 16n;
const COMMIT_BITS = 128n;
const SHARD_BITS = 16n;

/** The commit id (a uuid string) as a number. */
export function commitNumber(uuid: string): bigint {
  return BigInt(`0x${uuid.replace(/-/g, '')}`);
}

/** The position of event `index` of the commit at `key`. */
export function encodePosition(key: FeedKey, index: number): string {
  let value = key.ts;
  value = (value << SHARD_BITS) | BigInt(key.shard);
  value = (value << COMMIT_BITS) | key.commit;
  value = (value << INDEX_BITS) | BigInt(index);
  return value.toString();
}

/** A position back into its key and index; a string that is not a feed position is a `ValidationError`. */
export function decodePosition(position: string, field = 'position'): { key: FeedKey; index: number } {
  if (!/^[1-9][0-9]{0,80}$/.test(position)) throw new ValidationError(field, `'${position}' is not a position of this log`);
  let value = BigInt(position);
  const index = Number(value & ((1n << INDEX_BITS) - 1n));
  value >>= INDEX_BITS;
  const commit = value & ((1n << COMMIT_BITS) - 1n);
  value >>= COMMIT_BITS;
  const shard = Number(value & ((1n << SHARD_BITS) - 1n));
  return { key: { ts: value >> SHARD_BITS, shard, commit }, index };
}

/** Orders feed keys: by timestamp, shard, commit id. */
export function compareKeys(a: FeedKey, b: FeedKey): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.shard !== b.shard) return a.shard - b.shard;
  return a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0;
}

/** The shard of a stream: FNV-1a over its UTF-8 bytes, stable across processes and versions. */
export function shardOf(streamId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(streamId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
