import { existsSync } from 'node:fs';
import {
  type AppendOutcome,
  type CallOptions,
  categoryOf,
  type EncodedEvent,
  type EventLocation,
  type ExpectedRevision,
  type MigrationStep,
  matchesExpected,
  type StorageCapabilities,
  StoreClosedError,
  type StoredEvent,
  type StreamInfo,
  type StreamStorage,
  type StreamSummary,
  throwIfAborted,
} from '@streamstore/core';
import type Database from 'better-sqlite3';
import { fileKey, notifyFile, watchFile } from './append-notifier.js';
import { openConnection } from './connection.js';
import type { ResolvedSqliteOptions } from './options.js';
import { allMigrations, planMigrations, provisionSchema } from './provision.js';
import { toEventLocation, toStoredEvent, toStreamInfo, toStreamSummary } from './rows.js';
import { toStorageError } from './sqlite-errors.js';
import { type InsertEventsParams, MAX_ROWS_PER_INSERT, PARAMS_PER_EVENT, Statements } from './statements.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
});

/** Largest position SQLite can store (int64); a checkpoint beyond it has nothing after it. */
const MAX_POSITION = 9223372036854775807n;

/** Thrown inside the append transaction to roll it back when an event id is already in the stream. */
class DuplicateEventId {
  constructor(readonly actual: number) {}
}

type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/** A UNIQUE(stream_id, event_id) violation (the only constraint an append can hit while holding the write lock). */
function isDuplicateEventId(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    /events\.event_id/.test((error as Error).message)
  );
}

/**
 * The SQLite `StreamStorage`: one better-sqlite3 connection, opened on first use. better-sqlite3 is synchronous, so
 * every call runs to completion before the next one starts on this connection; across connections and processes,
 * `BEGIN IMMEDIATE` makes the head check and the insert one atomic step.
 */
export class SqliteStorage implements StreamStorage {
  readonly name = 'sqlite';
  readonly capabilities = CAPABILITIES;
  private db: Database.Database | undefined;
  private prepared: Statements | undefined;
  private appendTransaction:
    | ((streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]) => AppendOutcome)
    | undefined;
  private deleteTransaction: ((streamId: string, expected: ExpectedRevision | undefined) => DeleteOutcome) | undefined;
  private closed = false;
  private notifierKey: string | object | undefined;

  /** @internal Use `sqliteStorage()`. */
  constructor(
    readonly options: ResolvedSqliteOptions,
    private readonly onClose?: () => void,
  ) {}

  /** The file this storage writes to. */
  get filename(): string {
    return this.options.filename;
  }

  async provision(options?: CallOptions): Promise<void> {
    throwIfAborted(options?.signal);
    this.run('provision the schema', () => provisionSchema(this.connection(), this.filename, this.options.readonly));
  }

  async planMigrations(options?: CallOptions): Promise<MigrationStep[]> {
    throwIfAborted(options?.signal);
    // `migrate --print` must not create the file it reports on.
    if (!this.db && this.filename !== ':memory:' && !existsSync(this.filename)) return allMigrations();
    return this.run('plan migrations', () => planMigrations(this.connection(), this.filename));
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    throwIfAborted(options?.signal);
    try {
      this.statements();
      const outcome = (this.appendTransaction as NonNullable<typeof this.appendTransaction>)(streamId, expected, events);
      if (outcome.status === 'ok' && events.length > 0) notifyFile(this.fileKey());
      return outcome;
    } catch (error) {
      if (error instanceof DuplicateEventId) return { status: 'duplicate', actual: error.actual };
      throw toStorageError(error, this.filename, `append to stream '${streamId}'`);
    }
  }

  findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    return this.read(options, `look up event ids in stream '${streamId}'`, () =>
      eventIds.length === 0 ? [] : this.statements().findEvents.all(streamId, JSON.stringify(eventIds)).map(toEventLocation),
    );
  }

  readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.read(options, `read stream '${streamId}'`, () => {
      const statements = this.statements();
      const statement = query.direction === 'forward' ? statements.readForward : statements.readBackward;
      return statement.all(streamId, query.from, query.limit).map(toStoredEvent);
    });
  }

  getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    return this.read(options, `read the head of stream '${streamId}'`, () => {
      const row = this.statements().getStream.get(streamId);
      return row ? toStreamInfo(row) : null;
    });
  }

  async deleteStream(streamId: string, expected: ExpectedRevision | undefined, options?: CallOptions): Promise<DeleteOutcome> {
    throwIfAborted(options?.signal);
    return this.run(`delete stream '${streamId}'`, () => {
      this.statements();
      return (this.deleteTransaction as NonNullable<typeof this.deleteTransaction>)(streamId, expected);
    });
  }

  readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.read(options, 'read the global log', () => {
      const after = query.after === undefined ? 0n : BigInt(query.after);
      return after >= MAX_POSITION ? [] : this.statements().readAll.all(after, query.limit).map(toStoredEvent);
    });
  }

  readCategory(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.read(options, `read category '${query.category}'`, () => {
      const after = query.after === undefined ? 0n : BigInt(query.after);
      if (after >= MAX_POSITION) return [];
      return this.statements().readCategory.all(query.category, after, query.limit).map(toStoredEvent);
    });
  }

  /**
   * Calls `listener` (as a microtask) after every commit of an append to this database file by any storage of this
   * process. Writers in other processes or worker threads are not seen: subscriptions poll for those.
   */
  watchAppends(listener: () => void): () => void {
    return watchFile(this.fileKey(), listener);
  }

  /**
   * The better-sqlite3 connection of this storage (opened on first use). Checkpoint stores, consumer locks and
   * dead-letter stores built on this storage use it, so a handler can update its read model on it and save its
   * checkpoint in the same transaction (`db.transaction(...)`). Do not close it: `close()` does.
   */
  database(): Database.Database {
    return this.run('open the database', () => this.connection());
  }

  listStreams(query: { after?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    return this.read(options, 'list streams', () => {
      const statements = this.statements();
      const rows =
        query.after === undefined
          ? statements.listStreams.all(query.limit)
          : statements.listStreamsAfter.all(query.after, query.limit);
      return rows.map(toStreamSummary);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    this.db = undefined;
    this.prepared = undefined;
    this.onClose?.();
    if (db?.open) db.close();
  }

  /** A read: rejects at once when `signal` has fired, else runs `work` (driver errors mapped). */
  private read<T>(options: CallOptions | undefined, action: string, work: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      throwIfAborted(options?.signal);
      resolve(this.run(action, work));
    });
  }

  /** Runs `work`, turning driver errors into typed StreamStore errors. */
  private run<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStorageError(error, this.filename, action);
    }
  }

  /** This file's key in the in-process append notification registry (kept once the file is open, so it exists). */
  private fileKey(): string | object {
    if (this.notifierKey !== undefined) return this.notifierKey;
    const key = fileKey(this.filename, this);
    if (this.db) this.notifierKey = key;
    return key;
  }

  private connection(): Database.Database {
    if (this.closed) throw new StoreClosedError();
    this.db ??= openConnection(this.options);
    return this.db;
  }

  /** The prepared statements (prepared on first use, after provisioning) and the two write transactions. */
  private statements(): Statements {
    if (this.prepared) return this.prepared;
    const db = this.connection();
    const statements = new Statements(db);
    this.appendTransaction = db.transaction(appendInTransaction(statements)).immediate;
    this.deleteTransaction = db.transaction(deleteInTransaction(statements)).immediate;
    this.prepared = statements;
    return statements;
  }
}

/**
 * The body of an append, run inside `BEGIN IMMEDIATE`: read the head, check `expected`, insert the events at
 * head+1.., move the head. Throwing rolls everything back.
 */
function appendInTransaction(s: Statements) {
  return (streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]): AppendOutcome => {
    const head = s.selectHead.get(streamId);
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
    const revision = current + events.length;
    if (head === undefined) s.insertHead.run(streamId, revision, recordedAt, recordedAt);
    else s.updateHead.run(revision, recordedAt, streamId);
    return { status: 'ok', revision, position: String(position) };
  };
}

/** The largest power of two <= `remaining`, capped at {@link MAX_ROWS_PER_INSERT}: few distinct statements, few calls. */
function chunkSize(remaining: number): number {
  if (remaining >= MAX_ROWS_PER_INSERT) return MAX_ROWS_PER_INSERT;
  return 2 ** Math.floor(Math.log2(remaining));
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

/** The body of a delete, run inside `BEGIN IMMEDIATE`: check `expected`, drop the events and the head. */
function deleteInTransaction(s: Statements) {
  return (streamId: string, expected: ExpectedRevision | undefined): DeleteOutcome => {
    const head = s.selectHead.get(streamId);
    const current = head ?? 0;
    if (expected !== undefined && !matchesExpected(expected, current)) return { status: 'conflict', actual: current };
    if (head === undefined) return { status: 'ok', deleted: false };
    s.deleteEvents.run(streamId);
    s.deleteHead.run(streamId);
    return { status: 'ok', deleted: true };
  };
}
