import { randomBytes } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { cassandraStorage } from '../src/index.js';
import type { CassandraStorageOptions } from '../src/options.js';

/** The local test node (scripts/services/cassandra/start.sh). */
export const CONNECTION = { contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' };

/** A keyspace name unique to this run and `label`. */
export function uniqueKeyspace(label: string): string {
  return `sst_${label}_${randomBytes(4).toString('hex')}`;
}

/** A table name unique within a keyspace. */
export function uniqueTable(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** A storage on the local node over a fresh table of `keyspace`. */
export function localStorage(keyspace: string, extra: Partial<CassandraStorageOptions> = {}) {
  return cassandraStorage({ ...CONNECTION, keyspace, table: uniqueTable(), ...extra });
}

/** Drops the keyspaces a test file created. */
export async function dropKeyspaces(...keyspaces: string[]): Promise<void> {
  // Dropping a keyspace of many tables takes a while on a small node: allow it.
  const client = new cassandra.Client({ ...CONNECTION, socketOptions: { readTimeout: 180_000 } });
  try {
    for (const keyspace of keyspaces) {
      await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 180_000 });
    }
  } finally {
    await client.shutdown();
  }
}
