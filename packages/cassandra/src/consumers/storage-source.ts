import { consumerStorage } from '@streamstore/core/storage';
import type { types } from 'cassandra-driver';
import { CassandraStorage } from '../cassandra-storage.js';
import { cassandraStorage } from '../cassandra-storage-factory.js';
import type { CassandraContext } from '../context.js';
import type { CassandraStorageOptions } from '../options.js';
import { ConsumerStatements } from './consumer-statements.js';
import { selectAll } from './select-all.js';

/** Where the consumer tables live: a store's storage (its driver client is shared) or options to connect anew. */
export type CassandraStorageOrOptions = CassandraStorage | CassandraStorageOptions;

/** The keyspace of the consumer tables: the storage's session and consistency settings, and the consumers' CQL. */
export interface ConsumerKeyspace {
  readonly storage: CassandraStorage;
  /** The events table's name: the first part of every consumer row's partition key. */
  readonly eventsTable: string;
  readonly statements: ConsumerStatements;
  /** One prepared statement at the storage's read/write consistency (`serial`: also its serial consistency). */
  execute(query: string, params: unknown[], level: 'read' | 'write' | 'serial', what: string): Promise<types.ResultSet>;
  /** Every row of a query, page by page (a partition or a table scan), at the read consistency. */
  selectAll(query: string, params: unknown[], what: string): Promise<types.Row[]>;
  /** Closes the storage when it was opened from options (a shared storage is left to its owner). */
  close(): Promise<void>;
}

/**
 * Resolves `source` (borrowed or owned, as the core's `consumerStorage` decides: an owned storage is provisioned on
 * first use) and runs each statement through the storage's session, whose driver errors become typed StreamStore
 * errors.
 */
export function consumerKeyspace(source: CassandraStorageOrOptions): ConsumerKeyspace {
  const target = consumerStorage(source, CassandraStorage, cassandraStorage);
  const { storage } = target;
  const ctx: CassandraContext = storage.consumerContext();
  const { consistency } = ctx.config;
  return {
    storage,
    eventsTable: ctx.config.table,
    statements: new ConsumerStatements(ctx.config),
    async execute(query, params, level, what) {
      await target.ready();
      if (level === 'serial') return ctx.session.execute(query, params, consistency.write, what, consistency.serial);
      return ctx.session.execute(query, params, consistency[level], what);
    },
    async selectAll(query, params, what) {
      await target.ready();
      return selectAll(ctx.session, query, params, consistency.read, what);
    },
    close: () => target.close(),
  };
}
