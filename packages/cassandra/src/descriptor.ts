/**
 * `@streamstore/cassandra/descriptor`: what the command, soak and benchmark tools need to know about this backend.
 * Loads the driver only when a storage is opened.
 */
import type { BackendDescriptor } from '@streamstore/core/storage';
import { cassandraConnectionOptions, cassandraUrlSettings, describeCassandraUrl, parseCassandraUrl } from './url.js';

/** The local test server (scripts/services/cassandra). */
const CONTACT = { contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' };

/** The Cassandra backend's descriptor. */
export const descriptor: BackendDescriptor = {
  name: 'cassandra',
  packageName: '@streamstore/cassandra',
  description:
    'Apache Cassandra (a partition per stream, LWT commits), a keyspace per tenant; a global log only with ?changeFeed=1',
  urlSchemes: ['cassandra'],
  capabilities: { globalOrder: false, backwardRead: true, listStreams: false, optimisticConcurrency: true, locking: false },
  // The URL's keyspace wins over `keyspace` (the command's --schema); 'streamstore' without either.
  async storageFromUrl(url, keyspace) {
    const connection = parseCassandraUrl(url);
    const { cassandraStorage } = await import('./cassandra-storage-factory.js');
    return cassandraStorage({
      ...cassandraConnectionOptions(connection),
      ...cassandraUrlSettings(connection),
      keyspace: connection.keyspace ?? keyspace ?? 'streamstore',
    });
  },
  async multitenantFromUrl(url, prefix) {
    const connection = parseCassandraUrl(url);
    const options = { ...cassandraConnectionOptions(connection), ...cassandraUrlSettings(connection) };
    const { cassandraStorage } = await import('./cassandra-storage-factory.js');
    return cassandraStorage.multitenant(prefix === undefined ? options : { ...options, keyspacePrefix: `${prefix}_` });
  },
  describeTarget: describeCassandraUrl,
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
