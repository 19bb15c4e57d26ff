import { createServer } from 'node:net';
import { ConfigurationError, StorageUnavailableError } from '@streamstore/core';
import { type S3Storage, s3Storage } from '@streamstore/s3';
import { afterAll, describe, expect, it } from 'vitest';
import { timedFailure } from '../../../scripts/test-support/faults.js';
import { freshPrefix, gateway, lockSql } from './support.js';

afterAll(() => lockSql.end());

/** provision, then a fresh storage's first read, then a fresh storage's first append. */
function firstCalls(make: () => S3Storage): Array<[string, S3Storage, (s: S3Storage) => Promise<unknown>]> {
  return [
    ['provision', make(), (s) => s.provision()],
    ['getStream', make(), (s) => s.getStream('s')],
    ['append', make(), (s) => s.append('s', 'any', [])],
  ];
}

describe('the AWS SDK', () => {
  it('prints no Node-version notice when the storage builds its client', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listener);
    try {
      const storage = s3Storage({ ...gateway, forcePathStyle: true, prefix: freshPrefix('warn') });
      await storage.getStream('s');
      await storage.close();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings.filter((w) => /NodeVersionSupportWarning/.test(w))).toEqual([]);
    // Scoped to the construction: the process environment is left as the application set it.
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
  });
});

describe('an endpoint where nothing listens', () => {
  it('fails provision and the first calls fast with StorageUnavailableError, the socket error as cause', async () => {
    const make = () => s3Storage({ ...gateway, endpoint: 'http://127.0.0.1:1', forcePathStyle: true, prefix: 'x/' });
    for (const [name, storage, call] of firstCalls(make)) {
      const { error, ms } = await timedFailure(() => call(storage));
      await storage.close();
      expect(error, name).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message, name).toMatch(/ECONNREFUSED/);
      expect((error as Error).cause, name).toMatchObject({ code: 'ECONNREFUSED' });
      expect(ms, name).toBeLessThan(10_000);
    }
  });
});

describe('settings the server refuses', () => {
  it('a bucket that does not exist is a ConfigurationError naming it', async () => {
    const make = () => s3Storage({ ...gateway, bucket: 'streamstore-no-such-bucket', forcePathStyle: true, prefix: 'x/' });
    for (const [name, storage, call] of firstCalls(make)) {
      const { error } = await timedFailure(() => call(storage));
      await storage.close();
      expect(error, name).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message, name).toMatch(/bucket 'streamstore-no-such-bucket' does not exist/);
      expect((error as Error).cause, name).toMatchObject({ name: 'NoSuchBucket' });
    }
  });

  it('credentials it does not know are a ConfigurationError', async () => {
    const credentials = { accessKeyId: 'streamstore-wrong-key', secretAccessKey: 'wrong' };
    const make = () => s3Storage({ ...gateway, credentials, forcePathStyle: true, prefix: 'x/' });
    for (const [name, storage, call] of firstCalls(make)) {
      const { error } = await timedFailure(() => call(storage));
      await storage.close();
      expect(error, name).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message, name).toMatch(/refused the credentials/);
      expect((error as Error).cause, name).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    }
  });
});

describe('a server that accepts connections and never answers', () => {
  it('fails each call within the request timeout (retries included) with StorageUnavailableError', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const storage = s3Storage({
        ...gateway,
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        prefix: 'silent/',
        probe: false,
        requestTimeoutMs: 300,
      });
      const { error, ms } = await timedFailure(() => storage.getStream('s'));
      await storage.close();
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(ms).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);
});
