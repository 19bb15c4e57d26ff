/**
 * Emmett's SQLite event store (`@event-driven-io/emmett-sqlite`, on the `sqlite3` package) as a benchmark peer: the
 * same workload as StreamStore's SQLite backend, in a database file of its own, in the same run. Emmett is imported
 * dynamically, so the kit does not depend on it: install it next to the benchmark (a dev dependency) to use this peer.
 */
import { rmSync } from 'node:fs';
import {
  type EmmettCore,
  type EmmettEventStore,
  type EmmettMessagesBatch,
  emmettLogPage,
  emmettStreamCalls,
} from './emmett-api.js';
import { installedVersion, loadOptional } from './optional-module.js';
import type { BenchSubject } from './subject.js';

/** The part of Emmett's SQLite API the peer uses. */
interface EmmettSqlite {
  sqliteConnection(options: { fileName: string }): SqliteConnection;
  getSQLiteEventStore(options: {
    fileName: string;
    schema: { autoMigration: 'CreateOrUpdate' };
    connectionOptions: { singleton: true; connection: SqliteConnection };
  }): EmmettEventStore;
  readMessagesBatch(connection: SqliteConnection, options: { after: bigint; batchSize: number }): Promise<EmmettMessagesBatch>;
}

interface SqliteConnection {
  close(): void;
}

/** Options of {@link emmettSqlitePeer}. */
export interface EmmettSqlitePeerOptions {
  /** A scratch database file the peer creates and deletes (with its WAL files) on close. */
  fileName: string;
}

/**
 * Emmett's SQLite event store as a {@link BenchSubject}, in a scratch file. Emmett opens a new connection per call by
 * default and sets no busy timeout, so concurrent writers fail with SQLITE_BUSY; the peer gives it what an
 * application would: one connection (Emmett's own singleton option), with one call at a time on it, since Emmett's
 * transactions on a shared connection must not interleave. (StreamStore's SQLite commits are serialised too: SQLite
 * has one writer at a time.) Emmett reads streams forward only and has a global log (`readMessagesBatch`).
 *
 * Seen in 0.42.4: a refused append still commits the stream's advanced position (the check runs after the UPDATE
 * of the streams row, in the same transaction, and the refusal is returned rather than thrown), so a stream that
 * refused one append refuses every later one with a version; the engine counts those writes as given up.
 */
export async function emmettSqlitePeer(options: EmmettSqlitePeerOptions): Promise<BenchSubject> {
  const emmett = await loadOptional<EmmettSqlite>('@event-driven-io/emmett-sqlite', 'Emmett SQLite');
  const core = await loadOptional<EmmettCore>('@event-driven-io/emmett', 'Emmett SQLite');
  const connection = emmett.sqliteConnection({ fileName: options.fileName });
  const store = emmett.getSQLiteEventStore({
    fileName: options.fileName,
    schema: { autoMigration: 'CreateOrUpdate' },
    connectionOptions: { singleton: true, connection },
  });
  let tail: Promise<unknown> = Promise.resolve();
  /** Runs `call` after every call queued before it. */
  const serialized = <T>(call: () => Promise<T>): Promise<T> => {
    const result = tail.then(call, call);
    tail = result.catch(() => {});
    return result;
  };
  // 0n, not 'STREAM_DOES_NOT_EXIST': Emmett's SQLite store does not check that one (it appends anyway).
  const calls = emmettStreamCalls(store, core, 0n);
  return {
    name: 'emmett/sqlite',
    backend: 'sqlite',
    library: { name: '@event-driven-io/emmett-sqlite', version: installedVersion('@event-driven-io/emmett-sqlite') },
    capabilities: { globalOrder: true, backwardRead: false },
    append: (streamId, expected, events) => serialized(() => calls.append(streamId, expected, events)),
    catchUp: (streamId, from) => serialized(() => calls.catchUp(streamId, from)),
    readStream: (streamId, query) => serialized(() => calls.readStream(streamId, query)),
    readAllPage: (after, limit) =>
      serialized(async () =>
        emmettLogPage(await emmett.readMessagesBatch(connection, { after: BigInt(after ?? '0'), batchSize: limit }), after),
      ),
    async close() {
      await tail;
      connection.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.fileName}${suffix}`, { force: true });
    },
  };
}
