import type { StreamStorage } from '@streamstore/core/storage';
import { b2Storage, type S3Storage, s3Storage } from '@streamstore/s3';
import { describeConformance } from '@streamstore/testing/vitest';
import { conditionalStorage, freshPrefix, gateway, lockedStorage, lockSql, locks } from './support.js';

describeConformance({
  name: 's3 (conditional writes, RADOS Gateway)',
  storage: () => conditionalStorage(),
  // A second, independent S3 client over the same prefix.
  reopen: (primary: StreamStorage) => s3Storage({ ...gateway, forcePathStyle: true, prefix: (primary as S3Storage).root }),
  multitenant: () => s3Storage.multitenant({ ...gateway, forcePathStyle: true, prefix: freshPrefix('cond-mt') }),
});

const b2Options = {
  keyId: gateway.credentials.accessKeyId,
  applicationKey: gateway.credentials.secretAccessKey,
  bucket: gateway.bucket,
  region: gateway.region,
  endpoint: gateway.endpoint,
  forcePathStyle: true,
  lock: locks,
};

describeConformance({
  name: 's3 (B2 preset: lock provider on PostgreSQL, no conditional writes)',
  storage: () => lockedStorage(),
  reopen: (primary: StreamStorage) => b2Storage({ ...b2Options, prefix: (primary as S3Storage).root }),
  multitenant: () => b2Storage.multitenant({ ...b2Options, prefix: freshPrefix('lock-mt') }),
  teardown: async () => {
    await lockSql.end({ timeout: 5 });
  },
});
