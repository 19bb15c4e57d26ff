import { randomBytes } from 'node:crypto';
import type { StreamStorage } from '@streamstore/core/storage';
import { describeConformance } from '@streamstore/testing/vitest';
import cassandra from 'cassandra-driver';
import { type CassandraStorage, cassandraStorage } from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

// Creating a keyspace is slow in Cassandra: every scenario gets its own TABLE in one keyspace of this file (a table
// is a separate set of partitions, so isolation is real), and tenant scenarios get their own keyspace prefix.
const keyspace = uniqueKeyspace('conf');
const tenantPrefix = `sst_mt${randomBytes(3).toString('hex')}`;
let tenantRuns = 0;

async function tenantKeyspaces(): Promise<string[]> {
  const client = new cassandra.Client({ ...CONNECTION });
  try {
    const rows = (await client.execute('SELECT keyspace_name FROM system_schema.keyspaces')).rows;
    return rows.map((row) => row.keyspace_name as string).filter((name) => name.startsWith(tenantPrefix));
  } finally {
    await client.shutdown();
  }
}

describeConformance({
  name: 'cassandra',
  storage: () => cassandraStorage({ ...CONNECTION, keyspace, table: uniqueTable() }),
  // A second driver client (its own connections) over the same keyspace and table.
  reopen: (primary: StreamStorage) => {
    const { keyspace: sameKeyspace, table } = primary as CassandraStorage;
    return cassandraStorage({ ...CONNECTION, keyspace: sameKeyspace, table });
  },
  multitenant: () => cassandraStorage.multitenant({ ...CONNECTION, keyspacePrefix: `${tenantPrefix}_${tenantRuns++}_` }),
  teardown: async () => dropKeyspaces(keyspace, ...(await tenantKeyspaces())),
});
