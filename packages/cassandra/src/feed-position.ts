import { ValidationError } from '@streamstore/core';

/**
 * A change-feed position is one decimal number of at most 20 digits (the project's limit on positions: the core,
 * the server and the CLI accept `^(0|[1-9][0-9]{0,19})$`), packing 66 bits, from the most significant end:
 * - the commit's feed timestamp `ts`, in ticks of 100 µs since 2025-01-01 (44 bits: until the year 2080);
 * - the writer's number (9 bits): a lease each writing storage holds (see feed-write.ts), so that no two live
 *   writers share one, and `(ts, writer)` names one commit (a writer takes each tick at most once);
 * - the event's index in its commit (13 bits: with the feed a commit holds at most 8,191 events).
 * Feed order is therefore (ts, writer, index): the order readers merge the shards in.
 */
export interface FeedKey {
  ts: number;
  writer: number;
}

/** Microseconds per tick of `ts`. */
export const TICK_MICROS = 100;
/** Milliseconds since 1970 of tick 0 (2025-01-01T00:00:00Z). */
export const TICK_EPOCH_MS = Date.UTC(2025, 0, 1);
const INDEX_BITS = 13n;
const WRITER_BITS = 9n;
/** The most events one commit may hold with the feed on (its index must fit the position). */
export const FEED_MAX_EVENTS = 2 ** Number(INDEX_BITS) - 1;
/** Writer numbers are 0 .. FEED_WRITERS - 1. */
export const FEED_WRITERS = 2 ** Number(WRITER_BITS);

/** The clock in ticks (sub-millisecond resolution, so one process rarely needs to bump a timestamp). */
export function nowTicks(): number {
  return Math.floor((performance.timeOrigin + performance.now() - TICK_EPOCH_MS) * (1000 / TICK_MICROS));
}

/** The position of event `index` of the commit at `key`. */
export function encodePosition(key: FeedKey, index: number): string {
  return ((((BigInt(key.ts) << WRITER_BITS) | BigInt(key.writer)) << INDEX_BITS) | BigInt(index)).toString();
}

/** A position back into its key and index; a string that is not a feed position is a `ValidationError`. */
export function decodePosition(position: string, field = 'position'): { key: FeedKey; index: number } {
  // One digit more than positions have: a backward read's exclusive cursor is the position after the one asked for.
  if (!/^(0|[1-9][0-9]{0,20})$/.test(position)) {
    throw new ValidationError(field, `'${position}' is not a position of this log`);
  }
  const value = BigInt(position);
  const index = Number(value & ((1n << INDEX_BITS) - 1n));
  const writer = Number((value >> INDEX_BITS) & ((1n << WRITER_BITS) - 1n));
  return { key: { ts: Number(value >> (INDEX_BITS + WRITER_BITS)), writer }, index };
}

/** Orders feed keys: by timestamp, then writer. */
export function compareKeys(a: FeedKey, b: FeedKey): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.writer - b.writer;
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
