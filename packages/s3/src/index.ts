export { type B2StorageOptions, b2Storage } from './b2.js';
export { decodeStreamId, encodeStreamId } from './keys.js';
export type { Lease, LockProvider } from './lock-provider.js';
export type { S3StorageOptions } from './options.js';
export { S3Storage } from './s3-storage.js';
export { s3Storage } from './s3-storage-factory.js';
export { describeS3Url, parseS3Url, type S3Connection } from './url.js';
