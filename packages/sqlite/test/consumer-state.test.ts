/**
 * SQLite's checkpoint store, lease lock and dead-letter store against the consumer-state kit: each instance is a
 * storage of its own over the scenario's file (another connection, as another process would have).
 */
import { createStreamStore } from '@streamstore/core';
import {
  type SqliteStorage,
  sqliteCheckpointStore,
  sqliteConsumerLock,
  sqliteDeadLetterStore,
  sqliteStorage,
} from '@streamstore/sqlite';
import type { ConsumerStateInstance } from '@streamstore/testing';
import { describeConsumerStateConformance } from '@streamstore/testing/vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('consumer-state');

interface SqliteInstance extends ConsumerStateInstance {
  storage: SqliteStorage;
}

describeConsumerStateConformance<SqliteInstance>({
  name: 'sqlite',
  site() {
    const filename = files.next();
    return {
      async open() {
        const storage = sqliteStorage({ filename });
        const store = await createStreamStore({ storage, provisionSchema: true });
        // Checkpoints on a connection of their own, opened from options (the store owns and closes it); the lock and
        // dead letters on the store's connection: both ways of placing consumer state are covered.
        const checkpoints = sqliteCheckpointStore({ filename });
        return {
          storage,
          store,
          checkpoints,
          // A short lease, renewed every 100 ms, and quick retries: crashed holders and waits end within a second.
          lock: sqliteConsumerLock(storage, { leaseMs: 300, retryEveryMs: 10 }),
          deadLetters: sqliteDeadLetterStore(storage),
          close: async () => {
            await checkpoints.close();
            await store.close();
          },
        };
      },
    };
  },
  // Its connection closes without releasing: nothing renews the lease, which then expires.
  crash: (instance) => instance.storage.close(),
  teardown: async () => files.remove(),
});
