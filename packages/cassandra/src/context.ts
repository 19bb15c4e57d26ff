import type { types } from 'cassandra-driver';
import { locateStream, type StreamChain } from './chain.js';
import type { FeedWriter } from './feed-write.js';
import type { ResolvedConfig } from './options.js';
import type { BatchStatement, Session } from './session.js';
import type { Statements } from './statements.js';

/** What every operation of one Cassandra storage works with: the session, its CQL texts and its settings. */
export interface CassandraContext {
  readonly session: Session;
  readonly statements: Statements;
  readonly config: ResolvedConfig;
  /** The change feed's writer, when the feed is on. */
  readonly feed?: FeedWriter;
}

/** The stream's bucket chain, read at the configured read consistency. */
export function locate(ctx: CassandraContext, streamId: string): Promise<StreamChain> {
  const { session, statements, config } = ctx;
  return locateStream(session, statements, streamId, config.bucketSize, config.consistency.read);
}

/**
 * Runs a conditional batch on one partition with the storage's LWT settings. Batches are logged on Cassandra and
 * unlogged on Cosmos DB, the only kind it accepts (a single-partition batch is atomic without the batch log). Driver
 * errors are NOT translated: the caller must tell an unknown LWT outcome apart from a clean failure first.
 */
export function runLwtBatch(ctx: CassandraContext, statements: BatchStatement[]): Promise<types.ResultSet> {
  const { consistency, dialect } = ctx.config;
  return ctx.session.rawBatch(statements, {
    logged: dialect !== 'cosmos',
    consistency: consistency.write,
    serialConsistency: consistency.serial,
  });
}

/** Runs one conditional statement (an LWT) with the storage's write and serial consistency; errors translated. */
export function executeLwt(ctx: CassandraContext, query: string, params: unknown[], what: string): Promise<types.ResultSet> {
  const { consistency } = ctx.config;
  return ctx.session.execute(query, params, consistency.write, what, consistency.serial);
}
