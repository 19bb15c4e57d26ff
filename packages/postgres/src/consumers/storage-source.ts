import { consumerStorage, type StreamStorage } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { translateDriverError } from '../driver-errors.js';
import { quoteIdentifier } from '../identifiers.js';
import type { PostgresStorageOptions } from '../options.js';
import { PostgresStorage } from '../postgres-storage.js';
import { postgresStorage } from '../postgres-storage-factory.js';

/** Where the consumer tables live: a store's storage (its pool and schema are used) or options to connect anew. */
export type PostgresStorageOrOptions = StreamStorage | PostgresStorageOptions;

/** The pool and schema of the consumer tables, with driver errors translated and an owned pool ended on close. */
export interface ConsumerSchema {
  readonly storage: PostgresStorage;
  readonly sql: Sql;
  readonly schema: string;
  /** The quoted schema, for statement texts. */
  readonly s: string;
  /** Runs `work` (after provisioning when the storage was created from options), translating driver errors. */
  run<T>(context: string, work: (sql: Sql) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Ends the pool when it was created from options. */
  close(): Promise<void>;
}

/**
 * Resolves `source` (borrowed or owned, as the core's `consumerStorage` decides) and translates postgres.js errors
 * of each call. Any storage that is not a PostgresStorage is taken for options, as before.
 */
export function consumerSchema(source: PostgresStorageOrOptions): ConsumerSchema {
  const target = consumerStorage(
    source,
    PostgresStorage,
    (options) => postgresStorage(options as PostgresStorageOptions) as PostgresStorage,
  );
  const { storage } = target;
  return {
    storage,
    sql: storage.sql,
    schema: storage.schema,
    s: quoteIdentifier(storage.schema),
    async run(context, work, signal) {
      await target.ready();
      try {
        return await work(storage.sql);
      } catch (error) {
        throw translateDriverError(error, context, signal);
      }
    },
    close: () => target.close(),
  };
}
