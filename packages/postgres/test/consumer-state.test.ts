/**
 * PostgreSQL's checkpoint store, advisory consumer lock and dead-letter store against the consumer-state kit: each
 * instance is a storage with its own pool over the scenario's schema.
 */
import { createStreamStore } from '@streamstore/core';
import type { ConsumerStateInstance } from '@streamstore/testing';
import { describeConsumerStateConformance } from '@streamstore/testing/vitest';
import { postgresCheckpointStore, postgresConsumerLock, postgresDeadLetterStore, postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { adminClient, CONNECTION_STRING, uniqueSchema } from './support.js';

const admin = adminClient();

interface PostgresInstance extends ConsumerStateInstance {
  storage: PostgresStorage;
}

describeConsumerStateConformance<PostgresInstance>({
  name: 'postgres',
  site() {
    const schema = uniqueSchema('cstate');
    return {
      async open() {
        const storage = postgresStorage({ connectionString: CONNECTION_STRING, schema, pool: { max: 4 } }) as PostgresStorage;
        const store = await createStreamStore({ storage, provisionSchema: true });
        // Checkpoints through a pool of their own, from options (the store owns and ends it); the lock and dead
        // letters on the store's pool: both ways of placing consumer state are covered.
        const checkpoints = postgresCheckpointStore({ connectionString: CONNECTION_STRING, schema, pool: { max: 1 } });
        return {
          storage,
          store,
          checkpoints,
          lock: postgresConsumerLock(storage, { checkEveryMs: 100 }),
          deadLetters: postgresDeadLetterStore(storage),
          close: async () => {
            await checkpoints.close();
            await store.close();
          },
        };
      },
      close: async () => void (await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`),
    };
  },
  // The holder's connection is killed: the server releases its session's advisory locks at once.
  async crash(instance, consumer) {
    await admin`
      SELECT pg_terminate_backend(l.pid) FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended(${`${instance.storage.schema}/${consumer}`}, 0)`;
  },
  teardown: () => admin.end(),
});
