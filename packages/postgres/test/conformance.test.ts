import type { StreamStorage } from '@streamstore/core/storage';
import { describeConformance } from '@streamstore/testing/vitest';
import { afterAll, beforeAll } from 'vitest';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import {
  adminClient,
  CONNECTION_STRING,
  databaseUrl,
  dropSchemas,
  freshStorage,
  type OpenTransaction,
  openTransaction,
  uniquePrefix,
} from './support.js';

const schemas: string[] = [];
const prefixes: string[] = [];

// The suite runs while other applications keep transactions open, in this database and in another one (as other test
// files of a parallel run do): a store's global log must not wait for them.
const longTransactions: OpenTransaction[] = [];
beforeAll(async () => {
  longTransactions.push(await openTransaction(CONNECTION_STRING), await openTransaction(databaseUrl('postgres')));
});
afterAll(async () => {
  for (const transaction of longTransactions) await transaction.end('rollback');
});

describeConformance({
  name: 'postgres',
  storage() {
    const storage = freshStorage('conf', { max: 4 });
    schemas.push(storage.schema);
    return storage;
  },
  reopen(primary: StreamStorage) {
    return postgresStorage({
      connectionString: CONNECTION_STRING,
      schema: (primary as PostgresStorage).schema,
      pool: { max: 4 },
    });
  },
  multitenant() {
    const schemaPrefix = uniquePrefix();
    prefixes.push(schemaPrefix);
    return postgresStorage.multitenant({ connectionString: CONNECTION_STRING, schemaPrefix, pool: { max: 4 } });
  },
  async teardown() {
    const sql = adminClient();
    try {
      for (const schema of schemas) await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
      for (const prefix of prefixes) await dropSchemas(sql, prefix);
    } finally {
      await sql.end();
    }
  },
});
