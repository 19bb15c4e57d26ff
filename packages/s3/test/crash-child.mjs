// Crash-test child, started (and killed) by runCrashTest from crash.test.ts: appends under the key prefix given as
// argument until SIGKILL, in conditional-write mode or in lock mode (lease locks on PostgreSQL, as for B2).
import { createStreamStore } from '@streamstore/core';
import { s3Storage } from '@streamstore/s3';
import { postgresLockProvider } from '@streamstore/s3/postgres-lock';
import { runCrashChild } from '@streamstore/testing';

const [mode, prefix, endpoint, lockUrl, lockTable, lockTtlMs] = process.argv.slice(2);
const connection = {
  bucket: 'streamstore-test',
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' },
  prefix,
};
const storage =
  mode === 'lock'
    ? s3Storage({
        ...connection,
        conditionalWrites: false,
        lock: postgresLockProvider({ url: lockUrl, table: lockTable }),
        lockTtlMs: Number(lockTtlMs),
        // The killed predecessor's leases run out after lockTtlMs: wait longer than that.
        lockWaitMs: 4 * Number(lockTtlMs),
      })
    : s3Storage(connection);
await runCrashChild(() => createStreamStore({ storage }));
