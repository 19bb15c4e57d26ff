import { ConfigurationError } from '@streamstore/core';
import postgres, { type Sql } from 'postgres';
import type { PoolOptions } from './options.js';

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

/**
 * A postgres.js client for a connection string. Statements are prepared (the default) and notices are not
 * printed; int8 values arrive as strings, so positions keep every digit.
 */
export function createClient(connectionString: string, pool: PoolOptions | undefined): Sql {
  if (typeof connectionString !== 'string' || connectionString.length === 0) {
    throw new ConfigurationError('postgresStorage needs a connectionString or a postgres.js client (sql)');
  }
  const settings = poolSettings(pool);
  return postgres(connectionString, {
    max: settings.max,
    idle_timeout: settings.idleTimeout,
    connect_timeout: settings.connectTimeout,
    prepare: true,
    onnotice: () => {},
  });
}
