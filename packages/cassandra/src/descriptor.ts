/**
 * `@streamstore/cassandra/descriptor`: what the command, soak and benchmark tools need to know about this backend.
 * Loads the driver only when a storage is opened.
 */
import type { BackendDescriptor } from '@streamstore/core';

/** The local test server (scripts/services/cassandra). */
const CONTACT = { contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' };

/** The Cassandra backend's descriptor. */
export const descriptor: BackendDescriptor = {
  name: 'cassandra',
  packageName: '@streamstore/cassandra',
  description: 'Apache Cassandra (a partition per stream, LWT commits), a keyspace per tenant; no global log',
  urlSchemes: ['cassandra'],
  capabilities: { globalOrder: false, backwardRead: true, listStreams: false, optimisticConcurrency: true, locking: false },
  testServer: {
    url: 'cassandra://127.0.0.1:9042?dc=datacenter1',
    address: { host: '127.0.0.1', port: 9042 },
    startScript: 'scripts/services/cassandra/start.sh',
    async scratch() {
      const [{ randomBytes }, { cassandraStorage }, { default: cassandra }] = await Promise.all([
        import('node:crypto'),
        import('./cassandra-storage-factory.js'),
        import('cassandra-driver'),
      ]);
      const keyspace = `scratch_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      return {
        storage: () => cassandraStorage({ ...CONTACT, keyspace }),
        describe: `127.0.0.1:9042 keyspace ${keyspace} (SERIAL / QUORUM)`,
        async cleanup() {
          const client = new cassandra.Client({ ...CONTACT, socketOptions: { readTimeout: 120_000 } });
          try {
            await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
          } finally {
            await client.shutdown();
          }
        },
      };
    },
  },
};
