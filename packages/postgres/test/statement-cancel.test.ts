/**
 * A statement the server cancels (SQLSTATE 57014: a statement_timeout, or a cancel request meant for an earlier
 * statement) is sent again a bounded number of times; when every attempt is cancelled the call fails as the SPI's
 * error table says for a timeout and for exhausted retries: StorageUnavailableError, the driver's error as `cause`
 * (it used to be the driver's raw PostgresError).
 */
import { createStreamStore, StorageUnavailableError } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { provisionedSchemaForFile } from './file-schema.js';
import { CONNECTION_STRING, openTransaction } from './support.js';

const { schema } = provisionedSchemaForFile('cancel');

describe('postgres: statements cancelled on every attempt', () => {
  it('fail with StorageUnavailableError, the 57014 as cause', async () => {
    // Every statement of this pool is cancelled after 50 ms; the streams table stays locked meanwhile.
    const store = await createStreamStore({
      storage: postgresStorage({ connectionString: `${CONNECTION_STRING}?statement_timeout=50`, schema, pool: { max: 1 } }),
    });
    const lock = await openTransaction(CONNECTION_STRING, async (tx) => {
      await tx.unsafe(`LOCK TABLE "${schema}".streams IN ACCESS EXCLUSIVE MODE`);
    });
    try {
      const error = await store.getStream('s').then(
        () => null,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message).toContain('getStream');
      expect((error as Error).cause).toMatchObject({ code: '57014' });
    } finally {
      await lock.end('rollback');
      await store.close();
    }
  });
});
