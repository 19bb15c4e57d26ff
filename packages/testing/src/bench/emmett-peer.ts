/**
 * Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`) as a benchmark peer: the same workload,
 * against the same database, in the same run. Emmett is imported dynamically, so the kit does not depend on it:
 * install it next to the benchmark (a dev dependency) to use this peer.
 */
import {
  type EmmettCore,
  type EmmettEventStore,
  type EmmettMessagesBatch,
  emmettLogPage,
  emmettStreamCalls,
} from './emmett-api.js';
import { installedVersion, loadOptional } from './optional-module.js';
import type { BenchSubject } from './subject.js';

/** The part of Emmett's PostgreSQL API the peer uses. */
interface EmmettPostgres {
  getPostgreSQLEventStore(
    connectionString: string,
    options: { connectionOptions: { dumbo: DumboPool } },
  ): EmmettEventStore & { schema: { migrate(): Promise<unknown> }; close(): Promise<void> };
  readMessagesBatch(execute: unknown, options: { after: bigint; batchSize: number }): Promise<EmmettMessagesBatch>;
}

interface DumboPool {
  execute: { command(sql: unknown): Promise<unknown> };
  close(): Promise<void>;
}

interface DumboModule {
  dumbo(options: { connectionString: string }): DumboPool;
  rawSql(text: string): unknown;
}

/** Options of {@link emmettPostgresPeer}. */
export interface EmmettPeerOptions {
  /** The PostgreSQL database (the one StreamStore is benchmarked on). */
  connectionString: string;
  /** A scratch schema the peer creates, points Emmett's tables to (search_path) and drops on close. */
  schema: string;
}

/** `connectionString` with `search_path` set to `schema` for every connection of the pool. */
function withSearchPath(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * Emmett's PostgreSQL event store as a {@link BenchSubject}, in a scratch schema of its own (created now, dropped on
 * close). Emmett reads streams forward only (no backward reader) and has a global log (its xid8-ordered
 * `readMessagesBatch`).
 */
export async function emmettPostgresPeer(options: EmmettPeerOptions): Promise<BenchSubject> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`Invalid scratch schema name '${options.schema}'`);
  const emmett = await loadOptional<EmmettPostgres>('@event-driven-io/emmett-postgresql', 'Emmett');
  const { dumbo, rawSql } = await loadOptional<DumboModule>('@event-driven-io/dumbo', 'Emmett');
  const core = await loadOptional<EmmettCore>('@event-driven-io/emmett', 'Emmett');
  const admin = dumbo({ connectionString: options.connectionString });
  await admin.execute.command(rawSql(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`));
  const url = withSearchPath(options.connectionString, options.schema);
  const pool = dumbo({ connectionString: url });
  const store = emmett.getPostgreSQLEventStore(url, { connectionOptions: { dumbo: pool } });
  const close = async () => {
    await store.close().catch(() => {});
    await pool.close().catch(() => {});
    try {
      await admin.execute.command(rawSql(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`));
    } finally {
      await admin.close();
    }
  };
  try {
    await store.schema.migrate();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    name: 'emmett/postgres',
    backend: 'postgres',
    library: { name: '@event-driven-io/emmett-postgresql', version: installedVersion('@event-driven-io/emmett-postgresql') },
    capabilities: { globalOrder: true, backwardRead: false },
    ...emmettStreamCalls(store, core, 'STREAM_DOES_NOT_EXIST'),
    readAllPage: async (after, limit) =>
      emmettLogPage(await emmett.readMessagesBatch(pool.execute, { after: BigInt(after ?? '0'), batchSize: limit }), after),
    close,
  };
}
