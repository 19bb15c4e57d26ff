/**
 * Test helpers: every storage lives in its own uniquely named schema (dropped afterwards) of the shared server.
 */
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';

export const CONNECTION_STRING = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let counter = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** A schema name no other test (or test run) uses. */
export function uniqueSchema(label: string): string {
  counter++;
  return `t_${label}_${run}_${counter}`;
}

/** A short unique prefix for tenant schemas (at most 15 characters). */
export function uniquePrefix(): string {
  counter++;
  return `m${run.slice(-6)}${counter}_`.slice(0, 15);
}

/** An admin client for setup and teardown. */
export function adminClient(url = CONNECTION_STRING): Sql {
  return postgres(url, { max: 2, onnotice: () => {} });
}

/** A storage over a new schema (not provisioned). */
export function freshStorage(label: string, pool?: { max?: number }): PostgresStorage {
  return postgresStorage({ connectionString: CONNECTION_STRING, schema: uniqueSchema(label), pool }) as PostgresStorage;
}

/** Drops every schema whose name starts with `prefix`. */
export async function dropSchemas(sql: Sql, prefix: string): Promise<void> {
  const rows = await sql<{ nspname: string }[]>`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ${prefix})`;
  for (const row of rows) await sql`DROP SCHEMA ${sql(row.nspname)} CASCADE`;
}

/** The prefix shared by every schema this test process creates. */
export const RUN_PREFIX = `t_`;
export const RUN_TAG = run;

/** The connection string of another database on the same server. */
export function databaseUrl(name: string, url = CONNECTION_STRING): string {
  return url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
}

/** A transaction kept open (on its own connection) until `end`: what `work` did in it stays uncommitted. */
export interface OpenTransaction {
  /** Its transaction id (assigned by `work`, or by this helper when `work` did not write). */
  xid: bigint;
  /** Commits it (or rolls it back) and closes its connection. */
  end(outcome?: 'commit' | 'rollback'): Promise<void>;
}

class RollbackOnPurpose extends Error {}

/**
 * Opens a transaction on a new connection to `url`, runs `work` in it, makes sure it has a transaction id, and keeps it
 * open: the kind of long transaction (another application's, another store's, a slow writer's) the global log meets.
 */
export async function openTransaction(
  url: string,
  work: (tx: TransactionSql) => Promise<unknown> = async () => {},
): Promise<OpenTransaction> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let finish: (outcome: 'commit' | 'rollback') => void = () => {};
  const outcome = new Promise<'commit' | 'rollback'>((resolve) => {
    finish = resolve;
  });
  let started: (xid: bigint) => void = () => {};
  const xid = new Promise<bigint>((resolve) => {
    started = resolve;
  });
  const done = sql
    .begin(async (tx) => {
      await work(tx);
      const [row] = await tx<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`;
      started(BigInt(row?.xid as string));
      if ((await outcome) === 'rollback') throw new RollbackOnPurpose();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollbackOnPurpose)) throw error;
    });
  const endedEarly = done.then(() => {
    throw new Error('the transaction ended before it was told to');
  });
  endedEarly.catch(() => {}); // observed here; `end` reports the outcome of `done` itself
  const id = await Promise.race([xid, endedEarly]);
  return {
    xid: id,
    async end(how = 'commit') {
      finish(how);
      try {
        await done;
      } finally {
        await sql.end();
      }
    },
  };
}
