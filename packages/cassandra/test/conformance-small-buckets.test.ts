/**
 * The conformance kit again with buckets of 16 events, so that streams cross bucket boundaries in every scenario
 * (the default bucket holds thousands): bucketed appends, head walks, deletes of multi-bucket streams, races and the
 * model-based runs. A commit can hold at most bucketSize events, so the two scenarios that send bigger batches
 * (`bulk.hundred-by-hundred`: 25 per commit; `hostile.event-ids`: a batch of every hostile id) are left out here;
 * they run in conformance.test.ts.
 */
import type { StreamStorage } from '@streamstore/core/storage';
import { conformanceScenarios } from '@streamstore/testing';
import { describeConformance } from '@streamstore/testing/vitest';
import { type CassandraStorage, cassandraStorage } from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('confb');
const bucketSize = 16;
const TOO_BIG_FOR_A_BUCKET = new Set(['bulk.hundred-by-hundred', 'hostile.event-ids']);

describeConformance(
  {
    name: `cassandra (bucketSize ${bucketSize})`,
    storage: () => cassandraStorage({ ...CONNECTION, keyspace, table: uniqueTable(), bucketSize }),
    reopen: (primary: StreamStorage) => {
      const { keyspace: sameKeyspace, table } = primary as CassandraStorage;
      return cassandraStorage({ ...CONNECTION, keyspace: sameKeyspace, table, bucketSize });
    },
    teardown: async () => dropKeyspaces(keyspace),
  },
  { scenarios: conformanceScenarios.filter((scenario) => !TOO_BIG_FOR_A_BUCKET.has(scenario.id)) },
);
