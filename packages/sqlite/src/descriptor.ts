/**
 * `@streamstore/sqlite/descriptor`: what the command, soak and benchmark tools need to know about this backend. Loads
 * no driver until a storage is opened.
 */
import type { BackendDescriptor } from '@streamstore/core/storage';

/** The SQLite backend's descriptor. */
export const descriptor: BackendDescriptor = {
  name: 'sqlite',
  packageName: '@streamstore/sqlite',
  description: 'SQLite database file (better-sqlite3), a file per tenant in multitenant mode',
  urlSchemes: [],
  capabilities: { globalOrder: true, backwardRead: true, listStreams: true, optimisticConcurrency: true, locking: false },
  testServer: {
    // Embedded: the "server" is a file in a temporary directory.
    async scratch() {
      const [{ mkdtempSync, rmSync }, { tmpdir }, { join }, { sqliteStorage }] = await Promise.all([
        import('node:fs'),
        import('node:os'),
        import('node:path'),
        import('./sqlite-storage-factory.js'),
      ]);
      const dir = mkdtempSync(join(tmpdir(), 'streamstore-scratch-'));
      const filename = join(dir, 'scratch.db');
      return {
        storage: () => sqliteStorage({ filename }),
        describe: `${filename} (WAL, synchronous NORMAL)`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
};
