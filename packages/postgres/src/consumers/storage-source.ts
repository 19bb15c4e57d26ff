import type { StreamStorage } from '@streamstore/core';
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
 * Resolves `source`. A given storage is used as is (provision it first, e.g. `createStreamStore({ provisionSchema:
 * true })`); from options, a storage of its own is created and provisioned on first use.
 */
export function consumerSchema(source: PostgresStorageOrOptions): ConsumerSchema {
  const owned = !(source instanceof PostgresStorage);
  const storage =
    source instanceof PostgresStorage ? source : (postgresStorage(source as PostgresStorageOptions) as PostgresStorage);
  let provisioned: Promise<void> | undefined = owned ? undefined : Promise.resolve();
  return {
    storage,
    sql: storage.sql,
    schema: storage.schema,
    s: quoteIdentifier(storage.schema),
    async run(context, work, signal) {
      provisioned ??= storage.provision().catch((error: unknown) => {
        provisioned = undefined;
        throw error;
      });
      await provisioned;
      try {
        return await work(storage.sql);
      } catch (error) {
        throw translateDriverError(error, context, signal);
      }
    },
    async close() {
      if (owned) await storage.close();
    },
  };
}
