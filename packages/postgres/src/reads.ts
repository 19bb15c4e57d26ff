import { comparePositions, type StreamInfo, type StreamSummary } from '@streamstore/core';
import { type CallOptions, type EventLocation, prefixUpperBound, type StoredEvent } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { type CallDeadline, execute } from './execute.js';
import type { StoreQueries } from './queries.js';
import { type EventRow, headOf, toStoredEvent } from './rows.js';

/** Positions are bigints: nothing lies after a checkpoint beyond this one. */
const MAX_BIGINT = '9223372036854775807';

/** The exclusive bound of a backward page: the end of the log when absent, at most the largest bigint. */
function beforePosition(before: string | undefined): string {
  return before === undefined || comparePositions(before, MAX_BIGINT) > 0 ? MAX_BIGINT : before;
}

/** A row of the streams table (a head). */
interface StreamRow {
  stream_id: string;
  revision: string;
  created_at: Date;
  updated_at: Date;
}

/**
 * Longest a read of the log waits for appends of this store still in flight that hold back commits older than the
 * read (a reader then sees its own acknowledged commits at once on a busy store). Such appends are one statement
 * each, usually milliseconds from their end; the cap only matters for an append held open inside a longer
 * transaction. Transactions of other stores, databases or applications are never waited for.
 */
const TAIL_WAIT_MS = 200;

/** The reads of one store: each one statement through the pool, under the storage's call deadline. */
export class StoreReads {
  constructor(
    private readonly sql: Sql,
    private readonly queries: StoreQueries,
    private readonly deadline: CallDeadline | undefined,
  ) {}

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    const rows = await execute<{ event_id: string; revision: string; position: string }[]>(
      this.sql,
      this.queries.findEvents,
      [streamId, eventIds as string[]],
      'findEvents',
      options?.signal,
      this.deadline,
    );
    return rows.map((row) => ({ id: row.event_id, revision: Number(row.revision), position: row.position }));
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    const text = query.direction === 'forward' ? this.queries.readForward : this.queries.readBackward;
    const rows = await execute<EventRow[]>(
      this.sql,
      text,
      [streamId, query.from, query.limit],
      'readStream',
      options?.signal,
      this.deadline,
    );
    return rows.map(toStoredEvent);
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    const rows = await execute<StreamRow[]>(
      this.sql,
      this.queries.getStream,
      [streamId],
      'getStream',
      options?.signal,
      this.deadline,
    );
    const row = rows[0];
    return row ? headOf(Number(row.revision), row.created_at, row.updated_at) : null;
  }

  async readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    // Positions are bigints: nothing lies after a checkpoint beyond that range.
    if (query.after !== undefined && comparePositions(query.after, MAX_BIGINT) >= 0) return [];
    const params = [query.after ?? '0', query.limit, TAIL_WAIT_MS];
    return (await execute<EventRow[]>(this.sql, this.queries.readAll, params, 'readAll', options?.signal, this.deadline)).map(
      toStoredEvent,
    );
  }

  async readCategory(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    if (query.after !== undefined && comparePositions(query.after, MAX_BIGINT) >= 0) return [];
    const params = [query.category, query.after ?? '0', query.limit, TAIL_WAIT_MS];
    return (
      await execute<EventRow[]>(this.sql, this.queries.readCategory, params, 'readCategory', options?.signal, this.deadline)
    ).map(toStoredEvent);
  }

  async readAllBackward(query: { before?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    const params = [beforePosition(query.before), query.limit];
    return (
      await execute<EventRow[]>(this.sql, this.queries.readAllBackward, params, 'readAllBackward', options?.signal, this.deadline)
    ).map(toStoredEvent);
  }

  async readCategoryBackward(
    query: { category: string; before?: string; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    const params = [query.category, beforePosition(query.before), query.limit];
    const text = this.queries.readCategoryBackward;
    return (await execute<EventRow[]>(this.sql, text, params, 'readCategoryBackward', options?.signal, this.deadline)).map(
      toStoredEvent,
    );
  }

  async listStreams(query: { after?: string; prefix?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    const { after = '', prefix, limit } = query;
    const [text, params] =
      prefix === undefined
        ? [this.queries.listStreams, [after, limit]]
        : [this.queries.listStreamsPrefix, [after, prefix, prefixUpperBound(prefix), limit]];
    const rows = await execute<StreamRow[]>(this.sql, text, params, 'listStreams', options?.signal, this.deadline);
    return rows.map((row) => ({
      streamId: row.stream_id,
      revision: Number(row.revision),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }
}
