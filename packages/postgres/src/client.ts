import { ConfigurationError } from '@streamstore/core';
import postgres, { type Sql } from 'postgres';
import { arrayTypes } from './array-types.js';
import type { CallDeadline } from './execute.js';
import type { PoolOptions } from './options.js';
import { SocketGuard } from './socket-guard.js';

/** Default deadline of a call, in seconds. */
export const DEFAULT_CALL_TIMEOUT = 30;

/**
 * Seconds before a connection that failed reconnects: postgres.js's jittered exponential backoff, capped at 2 s instead
 * of 20 s. Its retry count only falls back to zero after a clean start-up, which a connection terminated during
 * start-up never has, so under repeated resets its backoff would keep a pool of one closed for 20 s at a time.
 */
function backoff(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 2);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `sql.reserve()` that always gets its connection. With `fetch_types` off, postgres.js 3.4.9 never hands a reservation
 * the connection it opened for it: the connection's start-up ends with nothing to run, so it stays "connecting" and
 * the reservation waits until another connection of the pool frees up, forever on an idle pool. So a statement runs
 * first, leaving a connection open for the reservation to take; while a reservation still waits, another statement
 * makes the pool open (or free) a connection, which serves the waiting reservation first.
 */
function reliableReserve(sql: Sql): void {
  const reserve = sql.reserve.bind(sql);
  sql.reserve = async () => {
    await sql`SELECT 1`.catch(() => {}); // a failure surfaces through the reservation itself
    const reserving = reserve();
    let settled = false;
    reserving.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let wait = 20; !settled; wait = Math.min(wait * 2, 1000)) {
      await Promise.race([reserving.catch(() => {}), pause(wait)]);
      if (!settled) await Promise.race([sql`SELECT 1`.catch(() => {}), pause(wait)]);
    }
    return reserving;
  };
}

/** Checks a setting given in seconds (a positive number). */
function seconds(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive number of seconds, got ${String(value)}`);
  }
  return value;
}

/** Validates pool settings (positive integers) and applies the defaults. */
function poolSettings(pool: PoolOptions | undefined): Required<PoolOptions> {
  const settings = { max: 10, idleTimeout: 30, connectTimeout: 10, ...pool };
  for (const [key, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new ConfigurationError(`pool.${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return settings;
}

/** A client the storage owns, with the guard over its sockets. */
export interface OwnedClient {
  sql: Sql;
  sockets: SocketGuard;
}

/**
 * A postgres.js client for a connection string. Statements are prepared (the default) and notices are not
 * printed; int8 values arrive as strings, so positions keep every digit. The array types are declared instead of
 * fetched on each connect (see array-types.ts), and the sockets are opened through a {@link SocketGuard}.
 */
export function createClient(connectionString: string, pool: PoolOptions | undefined): OwnedClient {
  if (typeof connectionString !== 'string' || connectionString.length === 0) {
    throw new ConfigurationError('postgresStorage needs a connectionString or a postgres.js client (sql)');
  }
  const settings = poolSettings(pool);
  const sockets = new SocketGuard();
  const sql = postgres(connectionString, {
    max: settings.max,
    idle_timeout: settings.idleTimeout,
    connect_timeout: settings.connectTimeout,
    backoff,
    prepare: true,
    fetch_types: false,
    types: arrayTypes(),
    onnotice: () => {},
    // A documented option of postgres.js that its typings leave out.
    ...({ socket: sockets.open } as object),
  });
  reliableReserve(sql);
  return { sql, sockets };
}

/**
 * The deadline of every call of a storage: `callTimeout` seconds (default 30). When it passes, the sockets of an owned
 * pool that stayed silent since the call began are destroyed, so the driver reconnects instead of waiting on them.
 */
export function callDeadline(callTimeout: unknown, sockets: SocketGuard | undefined): CallDeadline {
  const ms = seconds('callTimeout', callTimeout ?? DEFAULT_CALL_TIMEOUT) * 1000;
  return { ms, expired: (startedAt) => sockets?.resetSilentSince(startedAt) };
}
