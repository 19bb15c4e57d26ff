// The backends a soak run can use: each one is checked for reachability, opened on a scratch namespace of its own
// (a temporary file, schema, keyspace or key prefix) and removed afterwards. Runs on the built dists.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage } from '@streamstore/core';

/** Backends in the order a run visits them. */
export const BACKEND_NAMES = ['memory', 'sqlite', 'postgres', 'cassandra', 's3'];

const POSTGRES_URL =
  process.env.STREAMSTORE_POSTGRES_URL ?? process.env.STREAMSTORE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CASSANDRA = { contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' };
const S3 = {
  endpoint: `http://127.0.0.1:${process.env.STREAMSTORE_S3_PORT ?? '7480'}`,
  region: 'us-east-1',
  bucket: process.env.STREAMSTORE_S3_BUCKET ?? 'streamstore-test',
  forcePathStyle: true,
  credentials: { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' },
};

const scratch = () => `soak_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** True when something accepts TCP connections on 127.0.0.1:`port` within 2 s. */
function listens(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true)).once('error', () => done(false));
  });
}

/**
 * Prepares backend `name` on a scratch namespace: `{ describe, create, cleanup }` (`create()` builds the storage when
 * its turn comes, so nothing of one backend stays referenced during the next), or `{ skipped: reason }` when its
 * server does not answer.
 */
export async function openBackend(name) {
  switch (name) {
    case 'memory':
      return { create: () => memoryStorage(), describe: 'in-process', cleanup: async () => {} };
    case 'sqlite': {
      const { sqliteStorage } = await import('@streamstore/sqlite');
      const dir = mkdtempSync(join(tmpdir(), 'streamstore-soak-'));
      const filename = join(dir, 'soak.db');
      return {
        create: () => sqliteStorage({ filename }),
        describe: `${filename} (WAL, synchronous NORMAL)`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case 'postgres': {
      if (!(await listens(Number(new URL(POSTGRES_URL).port || 5432)))) return { skipped: `nothing listens for ${POSTGRES_URL}` };
      const { postgresStorage } = await import('@streamstore/postgres');
      const { default: postgres } = await import('postgres');
      const schema = scratch();
      return {
        create: () => postgresStorage({ connectionString: POSTGRES_URL, schema, pool: { max: 8 } }),
        describe: `${POSTGRES_URL} schema ${schema}`,
        cleanup: async () => {
          const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
          try {
            await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
          } finally {
            await sql.end({ timeout: 5 });
          }
        },
      };
    }
    case 'cassandra': {
      if (!(await listens(9042))) return { skipped: 'nothing listens on 127.0.0.1:9042' };
      const { cassandraStorage } = await import('@streamstore/cassandra');
      const { default: cassandra } = await import('cassandra-driver');
      const keyspace = scratch();
      return {
        create: () => cassandraStorage({ ...CASSANDRA, keyspace }),
        describe: `127.0.0.1:9042 keyspace ${keyspace} (SERIAL / QUORUM)`,
        cleanup: async () => {
          const client = new cassandra.Client({ ...CASSANDRA, socketOptions: { readTimeout: 120_000 } });
          try {
            await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
          } finally {
            await client.shutdown();
          }
        },
      };
    }
    case 's3': {
      if (!(await listens(Number(new URL(S3.endpoint).port)))) return { skipped: `nothing listens on ${S3.endpoint}` };
      const { s3Storage } = await import('@streamstore/s3');
      const prefix = `soak/${scratch()}/`;
      return {
        create: () => s3Storage({ ...S3, prefix }),
        describe: `${S3.endpoint} bucket ${S3.bucket} prefix ${prefix} (conditional writes)`,
        cleanup: () => deletePrefix(prefix),
      };
    }
    default:
      throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  }
}

/** Deletes every object under `prefix` (one DELETE each, 32 in flight: simple and accepted by every server). */
async function deletePrefix(prefix) {
  const { S3Client, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    ...S3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    let token;
    do {
      const out = await client.send(
        new ListObjectsV2Command({ Bucket: S3.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      const keys = (out.Contents ?? []).map((item) => item.Key);
      for (let i = 0; i < keys.length; i += 32) {
        await Promise.all(keys.slice(i, i + 32).map((Key) => client.send(new DeleteObjectCommand({ Bucket: S3.bucket, Key }))));
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
}
