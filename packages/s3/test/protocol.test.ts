import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  ConfigurationError,
  createStreamStore,
  createStreamStoreFactory,
  type RecordedEvent,
  StreamLockedError,
  ValidationError,
} from '@streamstore/core';
import { encodeStreamId, s3Storage } from '@streamstore/s3';
import { afterAll, describe, expect, it } from 'vitest';
import { conditionalStorage, freshPrefix, gateway, gatewayClient, lockSql, locks } from './support.js';

const event = (id: string, data: unknown = { id }) => ({ id, type: 'Tested', data });

async function collect(events: AsyncIterable<RecordedEvent>) {
  const all: RecordedEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

async function keysUnder(client: S3Client, prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: gateway.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((item) => item.Key ?? '');
}

const raw = gatewayClient();
afterAll(async () => {
  raw.destroy();
  await lockSql.end({ timeout: 5 });
});

describe('start-up probe', () => {
  it('refuses a server that ignores If-None-Match (simulated by stripping the header)', async () => {
    const client = gatewayClient();
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) delete request.headers['if-none-match'];
        return next(args);
      },
      { step: 'build', name: 'stripIfNoneMatch' },
    );
    const storage = s3Storage({ client, bucket: gateway.bucket, prefix: freshPrefix('probe') });
    await expect(createStreamStore({ storage, provisionSchema: true })).rejects.toThrow(ConfigurationError);
    const store = await createStreamStore({ storage });
    const error = await store.append('s', 'no-stream', [event('a')]).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/ignores conditional writes/);
    client.destroy();
  });

  it('accepts the real gateway', async () => {
    const store = await createStreamStore({ storage: conditionalStorage(), provisionSchema: true });
    await store.close();
  });
});

describe('keys', () => {
  it('keeps hostile stream ids inside the prefix', async () => {
    const parent = freshPrefix('hostile');
    const prefix = `${parent}inner/`;
    const store = await createStreamStore({ storage: s3Storage({ ...gateway, forcePathStyle: true, prefix }) });
    const ids = ['../../x', 'a/b', '/', '..', 'a/../../b', 'ü/∕%2F'];
    for (const id of ids) await store.append(id, 'no-stream', [event(`e-${id}`)]);
    const keys = await keysUnder(raw, parent);
    expect(keys.length).toBeGreaterThanOrEqual(ids.length);
    for (const key of keys) {
      expect(key.startsWith(`${prefix}s/`)).toBe(true);
      expect(key.slice(prefix.length)).toMatch(/^s\/[0-9a-f]+\/g[0-9]{8}\/[0-9]{16}$/);
    }
    for (const id of ids) {
      expect(keys.some((key) => key.startsWith(`${prefix}s/${encodeStreamId(id)}/`))).toBe(true);
      const [read] = await collect(store.read(id));
      expect(read?.streamId).toBe(id);
      expect(read?.id).toBe(`e-${id}`);
    }
    const listed = [];
    for await (const stream of store.listStreams()) listed.push(stream.streamId);
    expect(listed.sort()).toEqual([...ids].sort());
    await store.close();
  });
});

describe('tenants', () => {
  it('gives each tenant its own prefix and rejects bad tenant ids', async () => {
    const prefix = freshPrefix('tenants');
    const factory = createStreamStoreFactory({ storage: s3Storage.multitenant({ ...gateway, forcePathStyle: true, prefix }) });
    const acme = await factory.forTenant('acme');
    const globex = await factory.forTenant('globex');
    await acme.append('orders', 'no-stream', [event('a1'), event('a2')]);
    await globex.append('orders', 'no-stream', [event('g1')]);
    expect((await collect(acme.read('orders'))).map((e) => e.id)).toEqual(['a1', 'a2']);
    expect((await collect(globex.read('orders'))).map((e) => e.id)).toEqual(['g1']);
    for (const key of await keysUnder(raw, `${prefix}tenants/acme/`))
      expect(key.startsWith(`${prefix}tenants/acme/s/`)).toBe(true);
    expect((await keysUnder(raw, `${prefix}tenants/globex/`)).length).toBe(1);
    await expect(Promise.resolve().then(() => factory.forTenant('../acme'))).rejects.toThrow(ValidationError);
    await factory.close();
  });
});

describe('crash between steps', () => {
  it('a delete that wrote its tombstone but died before marking it is completed by the next reader/writer', async () => {
    const storage = conditionalStorage();
    const store = await createStreamStore({ storage });
    await store.append('s', 'no-stream', [event('a'), event('b')]);
    // The tombstone a dying deleter left behind: slot 3 (head + 1) of generation 1, no marker, no cleanup.
    const folder = `${storage.root}s/${encodeStreamId('s')}/g00000001/`;
    const tombstone = {
      v: 1,
      kind: 'delete',
      commitId: 'crashed',
      generation: 1,
      first: 3,
      count: 0,
      createdAt: 1,
      recordedAt: 1,
      events: [],
    };
    await raw.send(
      new PutObjectCommand({
        Bucket: gateway.bucket,
        Key: `${folder}0000000000000003`,
        Body: JSON.stringify(tombstone),
        IfNoneMatch: '*',
      }),
    );
    // Another process: sees the stream as deleted, and 'no-stream' starts over at revision 1.
    const other = await createStreamStore({ storage: s3Storage({ ...gateway, forcePathStyle: true, prefix: storage.root }) });
    expect(await other.getStream('s')).toBeNull();
    expect(await collect(other.read('s'))).toEqual([]);
    expect((await keysUnder(raw, folder)).some((key) => key.endsWith('/deleted'))).toBe(true);
    expect((await other.append('s', 'no-stream', [event('c')])).revision).toBe(1);
    // The first process had the old generation cached: its write with the stale expectation loses.
    await expect(store.append('s', 2, [event('d')])).rejects.toMatchObject({ code: 'STREAM_CONCURRENCY', actual: 1 });
    expect((await collect(store.read('s'))).map((e) => e.id)).toEqual(['c']);
    await store.close();
    await other.close();
  });

  it('a commit written by a writer that died right after its PUT counts for everyone', async () => {
    const storage = conditionalStorage();
    const store = await createStreamStore({ storage });
    await store.append('s', 'no-stream', [event('a')]);
    const folder = `${storage.root}s/${encodeStreamId('s')}/g00000001/`;
    const body = {
      v: 1,
      kind: 'commit',
      commitId: 'died',
      generation: 1,
      first: 2,
      count: 1,
      createdAt: 1,
      recordedAt: 2,
      events: [
        {
          id: 'x',
          type: 'Tested',
          schemaVersion: 1,
          format: 'json',
          compression: null,
          data: '{"id":"x"}',
          metadata: null,
          timestamp: 2,
        },
      ],
    };
    await raw.send(
      new PutObjectCommand({ Bucket: gateway.bucket, Key: `${folder}0000000000000002`, Body: JSON.stringify(body) }),
    );
    // This process has revision 1 cached: its conditional PUT at slot 2 is refused, it re-lists and goes on at 3.
    expect((await store.append('s', 'any', [event('b')])).revision).toBe(3);
    await expect(store.append('s', 3, [event('x')])).rejects.toMatchObject({ code: 'DUPLICATE_EVENT' });
    expect((await collect(store.read('s'))).map((e) => e.id)).toEqual(['a', 'x', 'b']);
    expect((await collect(store.read('s', { direction: 'backward', maxCount: 2 }))).map((e) => e.revision)).toEqual([3, 2]);
    await store.close();
  });
});

describe('lock mode (fencing tokens)', () => {
  it('a writer whose lease expired before its commit landed is refused and its commit stays void', async () => {
    let delayPuts = 0;
    const slowClient = gatewayClient();
    slowClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (delayPuts > 0 && context.commandName === 'PutObjectCommand') await new Promise((r) => setTimeout(r, delayPuts));
        return next(args);
      },
      { step: 'build', name: 'pause' },
    );
    const prefix = freshPrefix('fencing');
    const options = { bucket: gateway.bucket, prefix, conditionalWrites: false, lock: locks };
    const slow = await createStreamStore({ storage: s3Storage({ ...options, client: slowClient, lockTtlMs: 300 }) });
    const fast = await createStreamStore({ storage: s3Storage({ ...options, client: raw }) });
    await fast.append('s', 'no-stream', [event('a')]);
    delayPuts = 600; // the paused writer: its PUT lands after its 300 ms lease expired
    const paused = slow.append('s', 1, [event('late')]).catch((e) => e);
    await new Promise((r) => setTimeout(r, 400));
    expect((await fast.append('s', 1, [event('b')])).revision).toBe(2); // the lease expired: another writer goes on
    expect(await paused).toBeInstanceOf(StreamLockedError);
    delayPuts = 0;
    const ids = (await collect(fast.read('s'))).map((e) => e.id);
    expect(ids).toEqual(['a', 'b']);
    expect((await collect(slow.read('s'))).map((e) => e.id)).toEqual(['a', 'b']);
    // Both objects exist at slot 2; the higher confirmed token wins.
    const keys = await keysUnder(raw, `${prefix}s/`);
    expect(keys.filter((key) => /\/0000000000000002-/.test(key)).length).toBe(2);
    await slow.close();
    await fast.close();
    slowClient.destroy();
  });

  it('a held lease makes a writer wait, then StreamLockedError', async () => {
    const prefix = freshPrefix('held');
    const storage = s3Storage({
      client: raw,
      bucket: gateway.bucket,
      prefix,
      conditionalWrites: false,
      lock: locks,
      lockWaitMs: 200,
    });
    const lease = await locks.acquire(`${gateway.bucket}/${prefix}s/${encodeStreamId('s')}/`, { ttlMs: 5000, waitMs: 0 });
    expect(lease).not.toBeNull();
    const store = await createStreamStore({ storage });
    await expect(store.append('s', 'any', [event('a')])).rejects.toBeInstanceOf(StreamLockedError);
    await lease?.release();
    expect((await store.append('s', 'any', [event('a')])).revision).toBe(1);
    expect(store.capabilities).toMatchObject({ locking: true, optimisticConcurrency: false });
  });

  it('refuses conditionalWrites: false without a lock provider', () => {
    expect(() => s3Storage({ client: raw, bucket: gateway.bucket, conditionalWrites: false })).toThrow(ConfigurationError);
  });
});
