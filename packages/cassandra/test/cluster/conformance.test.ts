import { randomBytes } from 'node:crypto';
import type { StreamStorage } from '@streamstore/core/storage';
import { conformanceScenarios } from '@streamstore/testing';
import { describeConformance } from '@streamstore/testing/vitest';
import cassandra from 'cassandra-driver';
import { type CassandraStorage, cassandraStorage } from '../../src/index.js';
import { uniqueKeyspace, uniqueTable } from '../helpers.js';
import { CLUSTER, CLUSTER_PORT, CONSISTENCY, dropClusterKeyspaces, REPLICATION } from './cluster.js';
import { TablePool } from './table-pool.js';

// The whole conformance kit against the 3-node cluster: keyspaces at replication factor 3, reads and writes at
// QUORUM, conditions at SERIAL. As on the single node, every scenario gets its own table in this file's keyspace.
const keyspace = uniqueKeyspace('cconf');
const tenantPrefix = `sst_cmt${randomBytes(3).toString('hex')}`;
let tenantRuns = 0;
const common = {
  ...CLUSTER,
  clientOptions: { ...CLUSTER_PORT },
  replication: { ...REPLICATION },
  consistency: { ...CONSISTENCY },
};

async function tenantKeyspaces(): Promise<string[]> {
  const client = new cassandra.Client({ ...CLUSTER, ...CLUSTER_PORT });
  try {
    const rows = (await client.execute('SELECT keyspace_name FROM system_schema.keyspaces')).rows;
    return rows.map((row) => row.keyspace_name as string).filter((name) => name.startsWith(tenantPrefix));
  } finally {
    await client.shutdown();
  }
}

// The keyspace first (once), then tables made a few at a time ahead of the scenarios asking for them.
const tables = new TablePool(() => cassandraStorage({ ...common, keyspace, table: uniqueTable() }), 4);
let keyspaceReady: Promise<void> | undefined;
async function freshStorage(): Promise<CassandraStorage> {
  keyspaceReady ??= (async () => {
    const first = cassandraStorage({ ...common, keyspace, table: uniqueTable() });
    try {
      await first.provision();
    } finally {
      await first.close();
    }
  })();
  await keyspaceReady;
  return tables.take();
}

// STREAMSTORE_CLUSTER_KIT=<group>,<group.scenario>,... runs only those scenarios (default: the whole kit).
const only = (process.env.STREAMSTORE_CLUSTER_KIT ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean);
const scenarios =
  only.length === 0
    ? conformanceScenarios
    : conformanceScenarios.filter((scenario) => only.some((entry) => scenario.group === entry || scenario.id === entry));

describeConformance(
  {
    name: 'cassandra-cluster',
    storage: freshStorage,
    reopen: (primary: StreamStorage) => {
      const { keyspace: sameKeyspace, table } = primary as CassandraStorage;
      return cassandraStorage({ ...common, keyspace: sameKeyspace, table });
    },
    multitenant: () => cassandraStorage.multitenant({ ...common, keyspacePrefix: `${tenantPrefix}_${tenantRuns++}_` }),
    teardown: async () => {
      await tables.close();
      await dropClusterKeyspaces(keyspace, ...(await tenantKeyspaces()));
    },
  },
  { scenarios },
);
