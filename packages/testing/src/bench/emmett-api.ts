/**
 * The part of Emmett's API both Emmett peers use (its event stores share the `EventStore` interface of
 * `@event-driven-io/emmett`), declared here because the kit does not depend on Emmett, and the bench calls built on it.
 */
import type { BenchSubject } from './subject.js';

/** Appending and reading streams, as every Emmett event store does. */
export interface EmmettEventStore {
  appendToStream(
    streamName: string,
    events: Array<{ type: string; data: Record<string, unknown> }>,
    options: { expectedStreamVersion: bigint | string },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
  readStream(
    streamName: string,
    options: { from?: bigint; to?: bigint },
  ): Promise<{ currentStreamVersion: bigint; events: unknown[] }>;
}

/** A page of Emmett's global log. */
export interface EmmettMessagesBatch {
  currentGlobalPosition: bigint;
  messages: unknown[];
}

/** `@event-driven-io/emmett` itself. */
export interface EmmettCore {
  isExpectedVersionConflictError(error: unknown): boolean;
}

/** The stream calls of a {@link BenchSubject} over any Emmett event store. */
export type EmmettStreamCalls = Pick<BenchSubject, 'append' | 'catchUp' | 'readStream'>;

/**
 * `append`, `catchUp` and `readStream` of a bench subject over an Emmett event store. `noStream` is the expectation
 * sent for "the stream does not exist yet" (stores differ in which one they check).
 */
export function emmettStreamCalls(store: EmmettEventStore, core: EmmettCore, noStream: bigint | string): EmmettStreamCalls {
  return {
    async append(streamId, expected, events) {
      try {
        const result = await store.appendToStream(
          streamId,
          // Emmett makes its own message ids: the caller's id is not sent (StreamStore stores it in a column).
          events.map((event) => ({ type: event.type, data: event.data })),
          { expectedStreamVersion: expected === 0 ? noStream : BigInt(expected) },
        );
        return { ok: true, revision: Number(result.nextExpectedStreamVersion) };
      } catch (error) {
        if (core.isExpectedVersionConflictError(error)) return { ok: false };
        throw error;
      }
    },
    async catchUp(streamId, from) {
      const read = await store.readStream(streamId, { from: BigInt(from) });
      if (read.events.length > 0) return Number(read.currentStreamVersion);
      return Number((await store.readStream(streamId, {})).currentStreamVersion);
    },
    async readStream(streamId, query) {
      if (query.direction === 'backward') throw new Error('Emmett reads streams forward only');
      return (await store.readStream(streamId, { from: 1n, to: BigInt(query.maxCount) })).events.length;
    },
  };
}

/** A global-log page of a bench subject from a batch of Emmett's log read after `after`. */
export function emmettLogPage(
  batch: EmmettMessagesBatch,
  after: string | undefined,
): { count: number; last: string | undefined } {
  return {
    count: batch.messages.length,
    last: batch.messages.length > 0 ? batch.currentGlobalPosition.toString() : after,
  };
}
