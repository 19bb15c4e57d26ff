import { ConfigurationError, StorageUnavailableError } from '@streamstore/core';
import postgres from 'postgres';
import type { Lease, LockProvider } from './lock-provider.js';

/** Options of {@link postgresLockProvider}. */
export interface PostgresLockOptions {
  /** A postgres.js client (not closed by the provider), or a connection URL (the provider owns that client). */
  sql?: postgres.Sql;
  url?: string;
  /** Table of leases (default `streamstore_locks`); a plain identifier, optionally schema-qualified. */
  table?: string;
  /** Pause between attempts while a lease is held by someone else (default 20 ms). */
  pollMs?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;
// A constant advisory-lock key so that concurrent first starts do not race on CREATE TABLE.
const PROVISION_LOCK = 0x5354_524d;

/**
 * Lease locks on PostgreSQL with fencing tokens. One row per key: `(key, token, expires_at, confirmed)`.
 * Acquiring is a single upsert that only succeeds when the row is free or its lease has expired (PostgreSQL's
 * clock decides), and bumps `token`; so tokens are monotonic per key and two live leases never coexist.
 * Creating the table is serialized with an advisory lock.
 * @example const lock = postgresLockProvider({ url: 'postgres://postgres@127.0.0.1:5432/test' });
 */
export function postgresLockProvider(options: PostgresLockOptions): LockProvider {
  const table = options.table ?? 'streamstore_locks';
  if (!IDENTIFIER.test(table)) throw new ConfigurationError(`postgresLockProvider: invalid table name '${table}'`);
  if (!options.sql && !options.url) throw new ConfigurationError('postgresLockProvider needs `sql` or `url`');
  const owned = !options.sql;
  const sql = options.sql ?? postgres(options.url as string, { max: 4, onnotice: () => {} });
  const name = sql(table);
  const pollMs = options.pollMs ?? 20;
  let provisioned: Promise<void> | undefined;

  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new StorageUnavailableError(`PostgreSQL lock provider: ${what} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  const provision = () => {
    provisioned ??= wrap('provision', async () => {
      await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${PROVISION_LOCK})`;
        await tx`create table if not exists ${name} (
          key text primary key,
          token bigint not null,
          expires_at timestamptz not null,
          confirmed bigint not null default 0)`;
      });
    }).catch((error) => {
      provisioned = undefined;
      throw error;
    });
    return provisioned;
  };

  const tryAcquire = async (key: string, ttlMs: number): Promise<number | null> => {
    const rows = await sql<{ token: string }[]>`
      insert into ${name} as l (key, token, expires_at)
      values (${key}, 1, clock_timestamp() + ${ttlMs} * interval '1 millisecond')
      on conflict (key) do update set token = l.token + 1, expires_at = excluded.expires_at
      where l.expires_at <= clock_timestamp()
      returning token`;
    return rows.length === 0 ? null : Number(rows[0]?.token);
  };

  const lease = (key: string, token: number): Lease => ({
    fencingToken: token,
    confirm: () =>
      wrap('confirm', async () => {
        const rows = await sql`
          update ${name} set confirmed = greatest(confirmed, token)
          where key = ${key} and token = ${token} and expires_at > clock_timestamp()
          returning 1`;
        return rows.length === 1;
      }),
    release: () =>
      wrap('release', async () => {
        await sql`update ${name} set expires_at = clock_timestamp() where key = ${key} and token = ${token}`;
      }),
  });

  return {
    provision,
    async acquire(key, { ttlMs, waitMs, signal }) {
      await provision();
      const deadline = Date.now() + waitMs;
      for (;;) {
        signal?.throwIfAborted();
        const token = await wrap('acquire', () => tryAcquire(key, ttlMs));
        if (token !== null) return lease(key, token);
        if (Date.now() >= deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    async confirmedToken(key) {
      await provision();
      return wrap('read confirmed token', async () => {
        const rows = await sql<{ confirmed: string }[]>`select confirmed from ${name} where key = ${key}`;
        return rows.length === 0 ? 0 : Number(rows[0]?.confirmed);
      });
    },
    async close() {
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}
