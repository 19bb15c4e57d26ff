import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { b2Storage, type S3Storage, s3Storage } from '@streamstore/s3';
import { postgresLockProvider } from '@streamstore/s3/postgres-lock';
import postgres from 'postgres';

/** The local RADOS Gateway (scripts/services/s3). */
export const gateway = {
  endpoint: `http://127.0.0.1:${process.env.STREAMSTORE_S3_PORT ?? '7480'}`,
  region: 'us-east-1',
  bucket: 'streamstore-test',
  credentials: { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' },
};

/** A new client on the gateway (what a second process would have). */
export function gatewayClient(): S3Client {
  return new S3Client({
    endpoint: gateway.endpoint,
    region: gateway.region,
    forcePathStyle: true,
    credentials: gateway.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A fresh random prefix per call, so every scenario starts empty. */
export function freshPrefix(label: string): string {
  return `test/${label}/${Date.now().toString(36)}-${randomUUID().slice(0, 8)}/`;
}

/** Conditional-mode storage over its own client. */
export function conditionalStorage(prefix = freshPrefix('cond')): S3Storage {
  return s3Storage({ ...gateway, forcePathStyle: true, prefix });
}

const databaseUrl = process.env.STREAMSTORE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A postgres.js client for the lock provider (closed by `closeLocks`). */
export const lockSql = postgres(databaseUrl, { max: 8, onnotice: () => {} });

/** The real PostgreSQL lease-lock provider. */
export const locks = postgresLockProvider({ sql: lockSql, table: 'streamstore_s3_test_locks' });

/** Lock-mode storage (the B2 preset) on the same gateway, conditional writes switched off. */
export function lockedStorage(prefix = freshPrefix('lock')): S3Storage {
  return b2Storage({
    keyId: gateway.credentials.accessKeyId,
    applicationKey: gateway.credentials.secretAccessKey,
    bucket: gateway.bucket,
    region: gateway.region,
    endpoint: gateway.endpoint,
    forcePathStyle: true,
    prefix,
    lock: locks,
  });
}
