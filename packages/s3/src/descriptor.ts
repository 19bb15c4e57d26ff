/**
 * `@streamstore/s3/descriptor`: what the command, soak and benchmark tools need to know about this backend. Loads
 * the AWS SDK only when a storage is opened.
 */
import type { BackendDescriptor } from '@streamstore/core/storage';
import { describeS3Url, parseS3Url } from './url.js';

/** The local test gateway (scripts/services/s3): `STREAMSTORE_S3_PORT` and `STREAMSTORE_S3_BUCKET` move it. */
const PORT = Number(process.env.STREAMSTORE_S3_PORT ?? '7480');
const TEST = {
  endpoint: `http://127.0.0.1:${PORT}`,
  region: 'us-east-1',
  bucket: process.env.STREAMSTORE_S3_BUCKET ?? 'streamstore-test',
  forcePathStyle: true,
  credentials: { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' },
};

/** Deletes every object under `prefix` (one DELETE each, 32 in flight: simple and accepted by every server). */
async function deletePrefix(prefix: string): Promise<void> {
  const { S3Client, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    ...TEST,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    let token: string | undefined;
    do {
      const out = await client.send(
        new ListObjectsV2Command({ Bucket: TEST.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      const keys = (out.Contents ?? []).map((item) => item.Key as string);
      for (let i = 0; i < keys.length; i += 32) {
        await Promise.all(keys.slice(i, i + 32).map((Key) => client.send(new DeleteObjectCommand({ Bucket: TEST.bucket, Key }))));
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
}

/** The S3 backend's descriptor. */
export const descriptor: BackendDescriptor = {
  name: 's3',
  packageName: '@streamstore/s3',
  description: 'Amazon S3 or an S3-compatible server (conditional writes), a key prefix per tenant; no global log',
  urlSchemes: ['s3'],
  capabilities: { globalOrder: false, backwardRead: true, listStreams: true, optimisticConcurrency: true, locking: false },
  // The URL's path is the store's key prefix; there is no other namespace (the command's --schema does not apply).
  async storageFromUrl(url) {
    const connection = parseS3Url(url);
    const { s3Storage } = await import('./s3-storage-factory.js');
    return s3Storage(connection);
  },
  async multitenantFromUrl(url) {
    const connection = parseS3Url(url);
    const { s3Storage } = await import('./s3-storage-factory.js');
    return s3Storage.multitenant(connection);
  },
  describeTarget: (url, _namespace, tenant) => describeS3Url(url, tenant),
  testServer: {
    url: `s3://${TEST.credentials.accessKeyId}:${TEST.credentials.secretAccessKey}@${TEST.bucket}/?endpoint=${TEST.endpoint}`,
    address: { host: '127.0.0.1', port: PORT },
    startScript: 'scripts/services/s3/start.sh',
    async scratch() {
      const [{ randomBytes }, { s3Storage }] = await Promise.all([import('node:crypto'), import('./s3-storage-factory.js')]);
      const prefix = `scratch/${Date.now().toString(36)}_${randomBytes(3).toString('hex')}/`;
      return {
        storage: () => s3Storage({ ...TEST, prefix }),
        describe: `${TEST.endpoint} bucket ${TEST.bucket} prefix ${prefix} (conditional writes)`,
        cleanup: () => deletePrefix(prefix),
      };
    },
  },
};
