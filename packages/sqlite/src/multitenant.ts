import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, StoreClosedError, ValidationError } from '@streamstore/core';
import type { MultitenantStorage } from '@streamstore/core/storage';
import { resolveOptions, type SqliteMultitenantOptions } from './options.js';
import { SqliteStorage } from './sqlite-storage.js';

/** Tenant ids become file names: checked again here, whatever the caller validated. */
const TENANT_FILE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** A {@link MultitenantStorage} with one database file per tenant under `options.directory`. */
export function sqliteMultitenant(options: SqliteMultitenantOptions): MultitenantStorage {
  if (!options || typeof options !== 'object' || typeof options.directory !== 'string' || options.directory === '') {
    throw new ConfigurationError('sqliteStorage.multitenant needs { directory }');
  }
  const { directory, ...connectionOptions } = options;
  // Validate the shared options now, so a typo fails at start-up rather than at the first tenant.
  resolveOptions({ ...connectionOptions, filename: join(directory, 'probe.db') });
  const open = new Set<SqliteStorage>();
  let directoryReady: Promise<void> | undefined;
  let closed = false;

  const ensureDirectory = (): Promise<void> => {
    directoryReady ??= mkdir(directory, { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        directoryReady = undefined;
        throw new ConfigurationError(`Cannot create the tenant directory '${directory}'`, { cause: error });
      },
    );
    return directoryReady;
  };

  return {
    name: 'sqlite',
    async forTenant(tenantId: string): Promise<SqliteStorage> {
      if (closed) throw new StoreClosedError();
      if (typeof tenantId !== 'string' || !TENANT_FILE_NAME.test(tenantId)) {
        throw new ValidationError(
          'tenantId',
          `Tenant id ${JSON.stringify(tenantId)} is invalid: it must match ${TENANT_FILE_NAME.source}`,
        );
      }
      await ensureDirectory();
      const storage: SqliteStorage = new SqliteStorage(
        resolveOptions({ ...connectionOptions, filename: join(directory, `${tenantId}.db`) }),
        () => open.delete(storage),
      );
      open.add(storage);
      return storage;
    },
    async close(): Promise<void> {
      closed = true;
      for (const storage of [...open]) await storage.close();
    },
  };
}
