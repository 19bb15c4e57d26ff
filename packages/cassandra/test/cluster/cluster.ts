import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import cassandra from 'cassandra-driver';
import { cassandraStorage } from '../../src/index.js';
import type { CassandraStorageOptions } from '../../src/options.js';
import { uniqueTable } from '../helpers.js';

/** The local 3-node test cluster (scripts/services/cassandra-cluster/start.sh): CQL 19042 on 127.0.0.1-3. */
export const CLUSTER = {
  contactPoints: ['127.0.0.1:19042', '127.0.0.2:19042', '127.0.0.3:19042'],
  localDataCenter: 'datacenter1',
};

/**
 * The driver connects to every node it discovers (system.peers) on `protocolOptions.port`, 9042 unless set: that is
 * the single test node on 127.0.0.1, not the cluster. Every cluster client sets it.
 */
export const CLUSTER_PORT = { protocolOptions: { port: 19042 } } as const;

/** Replication factor 3: every node holds every row, QUORUM is 2 of 3. */
export const REPLICATION = { class: 'SimpleStrategy', replication_factor: 3 } as const;

/** Reads and writes at QUORUM, conditions at SERIAL (the defaults, spelled out: this is what the cluster tests prove). */
export const CONSISTENCY = { read: 'QUORUM', write: 'QUORUM', serial: 'SERIAL' } as const;

/** A storage on the cluster over a fresh table of `keyspace` (created with replication factor 3 when missing). */
export function clusterStorage(keyspace: string, extra: Partial<CassandraStorageOptions> = {}) {
  return cassandraStorage({
    ...CLUSTER,
    keyspace,
    table: uniqueTable(),
    replication: { ...REPLICATION },
    consistency: { ...CONSISTENCY },
    clientOptions: { ...CLUSTER_PORT },
    ...extra,
  });
}

/** Drops keyspaces on the cluster. */
export async function dropClusterKeyspaces(...keyspaces: string[]): Promise<void> {
  const client = new cassandra.Client({ ...CLUSTER, ...CLUSTER_PORT, socketOptions: { readTimeout: 180_000 } });
  try {
    for (const keyspace of keyspaces) {
      await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 180_000 });
    }
  } finally {
    await client.shutdown();
  }
}

const scripts = fileURLToPath(new URL('../../../../scripts/services/cassandra-cluster/', import.meta.url));

/** Runs one of the cluster's scripts (start.sh, kill-node.sh N, start-node.sh N), its output to the test's. */
export function clusterScript(script: string, ...args: string[]): void {
  execFileSync('bash', [`${scripts}${script}`, ...args], { stdio: 'inherit', timeout: 300_000 });
}
