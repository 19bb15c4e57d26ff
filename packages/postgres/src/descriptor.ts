/**
 * `@streamstore/postgres/descriptor`: what the command, soak and benchmark tools need to know about this backend.
 * Loads the driver only when a storage is opened.
 */
import { type BackendDescriptor, redactUrlPassword } from '@streamstore/core/storage';

/** The local test server (scripts/services): `STREAMSTORE_POSTGRES_URL` (or the older `STREAMSTORE_PG_URL`) moves it. */
const TEST_URL =
  process.env.STREAMSTORE_POSTGRES_URL ?? process.env.STREAMSTORE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL backend's descriptor. */
export const descriptor: BackendDescriptor = {
  name: 'postgres',
  packageName: '@streamstore/postgres',
  description: 'PostgreSQL (postgres.js), a schema per tenant in multitenant mode',
  urlSchemes: ['postgres', 'postgresql'],
  capabilities: { globalOrder: true, backwardRead: true, listStreams: true, optimisticConcurrency: true, locking: false },
  async storageFromUrl(connectionString, schema) {
    const { postgresStorage } = await import('./postgres-storage-factory.js');
    return postgresStorage(schema === undefined ? { connectionString } : { connectionString, schema });
  },
  describeTarget(connectionString, schema, tenant) {
    const url = redactUrlPassword(connectionString);
    if (tenant !== undefined) return `${url}, schema ${schema ? `${schema}_` : 'tenant_'}${tenant}`;
    return `${url}, schema ${schema ?? 'streamstore'}`;
  },
  async multitenantFromUrl(connectionString, prefix) {
    const { postgresStorage } = await import('./postgres-storage-factory.js');
    return postgresStorage.multitenant(
      prefix === undefined ? { connectionString } : { connectionString, schemaPrefix: `${prefix}_` },
    );
  },
  testServer: {
    url: TEST_URL,
    address: { host: '127.0.0.1', port: Number(new URL(TEST_URL).port || 5432) },
    async scratch() {
      const [{ randomBytes }, { postgresStorage }, { default: postgres }] = await Promise.all([
        import('node:crypto'),
        import('./postgres-storage-factory.js'),
        import('postgres'),
      ]);
      const schema = `scratch_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      return {
        storage: () => postgresStorage({ connectionString: TEST_URL, schema, pool: { max: 8 } }),
        describe: `${TEST_URL} schema ${schema}`,
        async cleanup() {
          const sql = postgres(TEST_URL, { max: 1, onnotice: () => {} });
          try {
            await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
          } finally {
            await sql.end({ timeout: 5 });
          }
        },
      };
    },
  },
};
