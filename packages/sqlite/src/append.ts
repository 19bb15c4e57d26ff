import { categoryOf, type ExpectedRevision, OperationAbortedError } from '@streamstore/core';
import {
  type AppendManyOutcome,
  type AppendOutcome,
  type EncodedEvent,
  type GroupOutcome,
  matchesExpected,
  type StreamAppend,
} from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import { toStorageError } from './sqlite-errors.js';
import { type InsertEventsParams, MAX_ROWS_PER_INSERT, PARAMS_PER_EVENT, type Statements } from './statements.js';

/** One commit waiting for its group. */
export interface AppendRequest {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly EncodedEvent[];
  signal: AbortSignal | undefined;
}

/** Thrown inside the append transaction to roll it back when an event id is already in the stream. */
export class DuplicateEventId {
  constructor(readonly actual: number) {}
}

/** Thrown inside a multi-stream append to roll all of its parts back when one is refused. */
class RefusedParts {
  constructor(readonly outcomes: AppendOutcome[]) {}
}

/** A UNIQUE(stream_id, event_id) violation (the only constraint an append can hit while holding the write lock). */
function isDuplicateEventId(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    /events\.event_id/.test((error as Error).message)
  );
}

/**
 * The write transactions of appends on one connection: a commit alone runs in its own `BEGIN IMMEDIATE`
 * transaction; a group (commits that arrived together) runs in one, each commit inside a savepoint, so a duplicate
 * rolls back only its own commit, and the group costs one transaction and one WAL sync. `many` (a multi-stream append)
 * runs every part, each in a savepoint so that every refused part reports what it met, and keeps all or none.
 * Called inside an open transaction (better-sqlite3 then uses savepoints), each leaves that transaction usable.
 */
export function appendTransactions(db: Database.Database, statements: Statements, filename: string) {
  const body = appendInTransaction(statements);
  const single = db.transaction(body).immediate;
  // Called inside the group's transaction, better-sqlite3 runs it as a savepoint.
  const nested = db.transaction(body);
  const group = db.transaction((requests: readonly AppendRequest[]): GroupOutcome<AppendOutcome>[] =>
    requests.map((request) => {
      if (request.signal?.aborted) return { ok: false, error: new OperationAbortedError(request.signal.reason) };
      // A commit whose events go in one INSERT needs no savepoint: a failed statement undoes only itself, and nothing
      // of the commit is written before it (a savepoint per commit cost a group of 1-event commits a quarter of its rate).
      const progress = request.events.length <= MAX_ROWS_PER_INSERT ? { inserted: false } : undefined;
      try {
        const value = progress
          ? body(request.streamId, request.expected, request.events, progress)
          : nested(request.streamId, request.expected, request.events);
        return { ok: true, value };
      } catch (error) {
        if (error instanceof DuplicateEventId) return { ok: true, value: { status: 'duplicate', actual: error.actual } };
        // A failure of the connection or the file ends the whole group, and so does one after a commit without a
        // savepoint wrote its events (they could not be taken back alone); anything else is this commit's own.
        if (isConnectionFailure(error) || progress?.inserted) throw error;
        return { ok: false, error: toStorageError(error, filename, `append to stream '${request.streamId}'`) };
      }
    }),
  ).immediate;
  const manyTransaction = db.transaction((appends: readonly StreamAppend[]): AppendManyOutcome => {
    const outcomes = appends.map((part): AppendOutcome => {
      try {
        return nested(part.streamId, part.expected, part.events);
      } catch (error) {
        if (error instanceof DuplicateEventId) return { status: 'duplicate', actual: error.actual };
        throw error;
      }
    });
    if (outcomes.some((outcome) => outcome.status !== 'ok')) throw new RefusedParts(outcomes);
    const results = outcomes.map((outcome) => {
      const { revision, position } = outcome as Extract<AppendOutcome, { status: 'ok' }>;
      return { revision, position };
    });
    return { status: 'ok', results };
  }).immediate;
  const many = (appends: readonly StreamAppend[]): AppendManyOutcome => {
    try {
      return manyTransaction(appends);
    } catch (error) {
      if (error instanceof RefusedParts) return { status: 'rejected', outcomes: error.outcomes };
      throw error;
    }
  };
  return { single, group, many };
}

/** The append transactions of one connection, as {@link appendTransactions} makes them. */
export type AppendTransactions = ReturnType<typeof appendTransactions>;

/** Errors after which the transaction cannot go on (SQLite rolls it back itself). */
function isConnectionFailure(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CORRUPT|NOTADB|READONLY|CANTOPEN|NOMEM|INTERRUPT)/.test(code);
}

/**
 * The body of an append, run inside `BEGIN IMMEDIATE`: read the head, check `expected`, insert the events at
 * head+1.., move the head. Throwing rolls everything back. `progress.inserted` turns true once the events are in.
 */
function appendInTransaction(s: Statements) {
  return (
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    progress?: { inserted: boolean },
  ): AppendOutcome => {
    const head = s.selectHead.get(streamId);
    // A tombstoned stream has no head row: only appends that find none look for a tombstone.
    if (head === undefined && s.selectTombstone.get(streamId) !== undefined) return { status: 'deleted' };
    const current = head ?? 0;
    if (!matchesExpected(expected, current)) return { status: 'conflict', actual: current };
    const recordedAt = Date.now();
    const category = categoryOf(streamId);
    let position: number | bigint = 0;
    try {
      for (let done = 0; done < events.length; ) {
        const rows = chunkSize(events.length - done);
        position = s
          .insertEvents(rows)
          .run(eventParams(streamId, category, current + done, events, done, rows, recordedAt)).lastInsertRowid;
        done += rows;
      }
    } catch (error) {
      if (isDuplicateEventId(error)) throw new DuplicateEventId(current);
      throw error;
    }
    if (progress) progress.inserted = true;
    const revision = current + events.length;
    if (head === undefined) s.insertHead.run(streamId, revision, recordedAt, recordedAt);
    else s.updateHead.run(revision, recordedAt, streamId);
    return { status: 'ok', revision, position: String(position) };
  };
}

/** All that remain, up to {@link MAX_ROWS_PER_INSERT}: a commit of up to that many events is one statement. */
function chunkSize(remaining: number): number {
  return Math.min(remaining, MAX_ROWS_PER_INSERT);
}

/** Flat parameters of `rows` events starting at `events[first]`, the first one at revision `afterRevision + 1`. */
function eventParams(
  streamId: string,
  category: string,
  afterRevision: number,
  events: readonly EncodedEvent[],
  first: number,
  rows: number,
  recordedAt: number,
): InsertEventsParams {
  const params: InsertEventsParams = new Array(rows * PARAMS_PER_EVENT);
  for (let row = 0, p = 0; row < rows; row++) {
    const event = events[first + row] as EncodedEvent;
    const data = event.data;
    const text = typeof data === 'string';
    params[p++] = streamId;
    params[p++] = afterRevision + row + 1;
    params[p++] = event.id;
    params[p++] = event.type;
    params[p++] = event.schemaVersion;
    params[p++] = event.format;
    params[p++] = event.compression;
    params[p++] = text ? data : null;
    params[p++] = text ? null : data;
    params[p++] = event.metadata;
    params[p++] = event.timestamp;
    params[p++] = recordedAt;
    params[p++] = category;
    params[p++] = event.digest ?? null;
  }
  return params;
}
