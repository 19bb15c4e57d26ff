/**
 * What `streamstore consumers` and `streamstore dead-letters` read from a SQL backend: consumers' checkpoints and
 * dead letters (through the backend's own stores, sharing the storage's connection) and the head of the global log.
 */
import { type DeadLetter, StorageUnavailableError, StreamStoreError } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';

/** A consumer's saved checkpoint. */
export interface ConsumerCheckpoint {
  consumer: string;
  checkpoint: string;
  updatedAt: Date;
}

/** Consumers' state kept in one store's database. */
export interface ConsumerState {
  /** Every consumer with a saved checkpoint, by name. */
  checkpoints(): Promise<ConsumerCheckpoint[]>;
  /** Parked events, oldest first; only `consumer`'s when given. */
  deadLetters(consumer?: string): Promise<DeadLetter[]>;
  /** Whether the store keeps a global log (Cassandra: only with its change feed); without one, no lag is known. */
  readonly hasGlobalLog: boolean;
  /** The position of the last event of the global log; undefined when the log is empty. */
  headPosition(): Promise<string | undefined>;
  /**
   * How many events of the global log come after `position` (a decimal position before the head); undefined when
   * counting them would cost too much (more than {@link LAG_COUNT_LIMIT} on a log counted by reading it).
   */
  eventsAfter(position: string): Promise<number | undefined>;
}

/** The most events a lag is counted up to where counting means reading the log (Cassandra's change feed). */
export const LAG_COUNT_LIMIT = 10_000;

/** The backend stores, as far as the commands use them. */
interface ListingCheckpointStore {
  list(): Promise<ConsumerCheckpoint[]>;
}
interface ListingDeadLetterStore {
  list(consumer?: string): Promise<DeadLetter[]>;
}

/** What `@streamstore/sqlite` exports for consumers, as far as the commands use it. */
export interface SqliteConsumerModule {
  sqliteCheckpointStore(storage: StreamStorage): ListingCheckpointStore;
  sqliteDeadLetterStore(storage: StreamStorage): ListingDeadLetterStore;
}

/** What `@streamstore/cassandra` exports for consumers, as far as the commands use it. */
export interface CassandraConsumerModule {
  cassandraCheckpointStore(storage: StreamStorage): ListingCheckpointStore;
  cassandraDeadLetterStore(storage: StreamStorage): ListingDeadLetterStore;
}

/** What `@streamstore/postgres` exports for consumers, as far as the commands use it. */
export interface PostgresConsumerModule {
  postgresCheckpointStore(storage: StreamStorage): ListingCheckpointStore;
  postgresDeadLetterStore(storage: StreamStorage): ListingDeadLetterStore;
}

/** The part of a SQLite storage (its better-sqlite3 connection) the head queries use. */
interface SqliteConnection {
  database(): { prepare(sql: string): { pluck(): { get(...params: unknown[]): unknown } } };
}

/** The part of a PostgreSQL storage (its postgres.js pool and schema) the head queries use. */
interface PostgresConnection {
  sql: { unsafe(query: string, params?: unknown[]): Promise<Array<Record<string, unknown>>> };
  schema: string;
}

/** Runs a head query; a driver error becomes a typed StorageUnavailableError (typed errors pass through). */
async function query<T>(where: string, action: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StreamStoreError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new StorageUnavailableError(`${where}: could not ${action}: ${detail}`, { cause: error });
  }
}

/** Consumers' state in a SQLite storage (tables `checkpoints`, `dead_letters`, `events` of the same file). */
export function sqliteConsumerState(module: SqliteConsumerModule, storage: StreamStorage): ConsumerState {
  const checkpoints = module.sqliteCheckpointStore(storage);
  const deadLetters = module.sqliteDeadLetterStore(storage);
  const db = () => (storage as unknown as SqliteConnection).database();
  return {
    hasGlobalLog: true,
    checkpoints: () => checkpoints.list(),
    deadLetters: (consumer) => deadLetters.list(consumer),
    headPosition: () =>
      query('SQLite', 'read the head of the global log', () => {
        const head = db().prepare('SELECT max(position) FROM events').pluck().get();
        return head === null || head === undefined ? undefined : String(head);
      }),
    eventsAfter: (position) =>
      query('SQLite', 'count the events after a checkpoint', () =>
        Number(db().prepare('SELECT count(*) FROM events WHERE position > ?').pluck().get(BigInt(position))),
      ),
  };
}

/** Consumers' state in a PostgreSQL storage (tables `checkpoints`, `dead_letters`, `events` of its schema). */
export function postgresConsumerState(module: PostgresConsumerModule, storage: StreamStorage): ConsumerState {
  const checkpoints = module.postgresCheckpointStore(storage);
  const deadLetters = module.postgresDeadLetterStore(storage);
  const { sql, schema } = storage as unknown as PostgresConnection;
  // The schema name was validated by the storage; quoted all the same.
  const events = `"${schema.replaceAll('"', '""')}".events`;
  return {
    hasGlobalLog: true,
    checkpoints: () => checkpoints.list(),
    deadLetters: (consumer) => deadLetters.list(consumer),
    headPosition: () =>
      query(`PostgreSQL schema '${schema}'`, 'read the head of the global log', async () => {
        const rows = await sql.unsafe(`SELECT max(position)::text AS head FROM ${events}`);
        const head = rows[0]?.head;
        return typeof head === 'string' ? head : undefined;
      }),
    eventsAfter: (position) =>
      query(`PostgreSQL schema '${schema}'`, 'count the events after a checkpoint', async () => {
        const rows = await sql.unsafe(`SELECT count(*)::text AS behind FROM ${events} WHERE position > $1::bigint`, [position]);
        return Number(rows[0]?.behind ?? 0);
      }),
  };
}

/**
 * Consumers' state in a Cassandra storage (the consumer tables of its keyspace). The head and the lag come from the
 * change feed through the storage's own reads (no SQL to count with): the lag is counted by reading the log after
 * the checkpoint, up to {@link LAG_COUNT_LIMIT} events. Without the feed there is no global log, so no lag.
 */
export function cassandraConsumerState(module: CassandraConsumerModule, storage: StreamStorage): ConsumerState {
  const checkpoints = module.cassandraCheckpointStore(storage);
  const deadLetters = module.cassandraDeadLetterStore(storage);
  const hasGlobalLog = storage.capabilities.globalOrder && storage.headPosition !== undefined;
  return {
    hasGlobalLog,
    checkpoints: () => checkpoints.list(),
    deadLetters: (consumer) => deadLetters.list(consumer),
    headPosition: async () => (hasGlobalLog ? storage.headPosition?.() : undefined),
    async eventsAfter(position) {
      if (!hasGlobalLog || !storage.readAll) return undefined;
      let count = 0;
      let after = position;
      while (count <= LAG_COUNT_LIMIT) {
        const page = await storage.readAll({ after, limit: 1000 });
        count += page.length;
        const last = page[page.length - 1]?.position;
        if (page.length < 1000 || last === undefined) return count;
        after = last;
      }
      return undefined;
    },
  };
}
