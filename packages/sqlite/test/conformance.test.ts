import type { StreamStorage } from '@streamstore/core/storage';
import { sqliteStorage } from '@streamstore/sqlite';
import { describeConformance } from '@streamstore/testing/vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('conformance');

describeConformance({
  name: 'sqlite',
  // A real file per scenario.
  storage: () => sqliteStorage({ filename: files.next() }),
  // A second, independent connection to the same file.
  reopen: (primary: StreamStorage) => sqliteStorage({ filename: (primary as ReturnType<typeof sqliteStorage>).filename }),
  multitenant: () => sqliteStorage.multitenant({ directory: files.next('-tenants') }),
  teardown: async () => files.remove(),
});
