import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createStreamStore,
  createStreamStoreFactory,
  DuplicateEventError,
  type RecordedEvent,
  StreamConcurrencyError,
  type StreamStore,
} from '@streamstore/core';
import { MIGRATIONS, sqliteStorage } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('api');
afterAll(() => files.remove());

async function newStore(filename = files.next()): Promise<StreamStore> {
  return createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const event = (id: string, data: unknown = { id }) => ({ id, type: 'test-event', data });

describe('sqlite storage through the public API', () => {
  it('appends, reads both ways, and keeps a global position in commit order', async () => {
    const store = await newStore();
    const first = await store.append('order-1', 'no-stream', [event('a'), event('b')]);
    const second = await store.append('order-2', 'no-stream', [event('c')]);
    const third = await store.append('order-1', 2, [event('d')]);
    expect(first).toEqual({ revision: 2, position: '2' });
    expect(second).toEqual({ revision: 1, position: '3' });
    expect(third).toEqual({ revision: 3, position: '4' });
    const forward = await collect(store.read('order-1'));
    expect(forward.map((e) => [e.id, e.revision])).toEqual([
      ['a', 1],
      ['b', 2],
      ['d', 3],
    ]);
    const backward = await collect(store.read('order-1', { direction: 'backward', pageSize: 2 }));
    expect(backward.map((e) => e.revision)).toEqual([3, 2, 1]);
    const all = await collect(store.readAll({ from: '2' }));
    expect(all.map((e) => e.id)).toEqual(['c', 'd']);
    await store.close();
  });

  it('reports the actual revision on a conflict and writes nothing', async () => {
    const store = await newStore();
    await store.append('s', 'no-stream', [event('a')]);
    const error = await store.append('s', 5, [event('b')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamConcurrencyError);
    expect((error as StreamConcurrencyError).actual).toBe(1);
    expect((await store.getStream('s'))?.revision).toBe(1);
    await store.close();
  });

  it('answers an identical retry with the original result and rejects partial overlaps', async () => {
    const store = await newStore();
    const batch = [event('a'), event('b')];
    const original = await store.append('s', 'no-stream', batch);
    expect(await store.append('s', 'no-stream', batch)).toEqual(original);
    await expect(store.append('s', 2, [event('c'), event('a')])).rejects.toBeInstanceOf(DuplicateEventError);
    expect((await store.getStream('s'))?.revision).toBe(2);
    await store.close();
  });

  it('writes a large batch (several insert chunks) atomically and in order', async () => {
    const store = await newStore();
    const batch = Array.from({ length: 151 }, (_, i) => event(`e${i}`));
    expect(await store.append('big', 'no-stream', batch)).toEqual({ revision: 151, position: '151' });
    const read = await collect(store.read('big'));
    expect(read.map((e) => e.id)).toEqual(batch.map((e) => e.id));
    expect(read.map((e) => e.position)).toEqual(batch.map((_, i) => String(i + 1)));
    // A duplicate id in the last chunk rolls back the earlier chunks too.
    const second = [...Array.from({ length: 150 }, (_, i) => event(`n${i}`)), event('e0')];
    await expect(store.append('big', 151, second)).rejects.toBeInstanceOf(DuplicateEventError);
    expect((await store.getStream('big'))?.revision).toBe(151);
    expect(await collect(store.readAll({ from: '151' }))).toEqual([]);
    await store.close();
  });

  it('in a group, a commit refused by a duplicate id leaves none of its rows and the others commit', async () => {
    const store = await newStore();
    await store.append('small', 'no-stream', [event('taken-small')]);
    await store.append('large', 'no-stream', [event('taken-large')]);
    // Sent in the same tick, these form one group: the first two go in one INSERT each (no savepoint), the third
    // (70 events, two statements) in a savepoint; each of the first and the third hits a taken id in its last row.
    const outcomes = await Promise.allSettled([
      store.append('small', 1, [event('s1'), event('s2'), event('taken-small')]),
      store.append('fresh', 'no-stream', [event('f1')]),
      store.append('large', 1, [...Array.from({ length: 69 }, (_, i) => event(`l${i}`)), event('taken-large')]),
      store.append('small', 1, [event('s3')]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
    expect((await collect(store.read('small'))).map((e) => e.id)).toEqual(['taken-small', 's3']);
    expect((await collect(store.read('large'))).map((e) => e.id)).toEqual(['taken-large']);
    const log = await collect(store.readAll());
    expect(log.map((e) => e.id)).toEqual(['taken-small', 'taken-large', 'f1', 's3']);
    expect(log.map((e) => e.position)).toEqual(['1', '2', '3', '4']);
    await store.close();
  });

  it('stores binary payloads as BLOB and JSON as TEXT', async () => {
    const filename = files.next();
    const store = await createStreamStore({
      storage: sqliteStorage({ filename }),
      provisionSchema: true,
      serialization: { compression: { name: 'gzip', threshold: 0 } },
    });
    const payload = { hello: 'world'.repeat(200) };
    await store.append('s', 'any', [event('a', payload)]);
    const [read] = (await collect(store.read('s'))) as RecordedEvent[];
    expect(read?.data).toEqual(payload);
    const plain = await newStore(filename);
    await plain.append('t', 'any', [event('b', { hello: 'text' })]);
    await plain.close();
    await store.close();
    const db = new Database(filename, { readonly: true });
    const rows = db
      .prepare('SELECT stream_id, typeof(data_text) AS text, typeof(data_blob) AS blob FROM events ORDER BY position')
      .all();
    db.close();
    expect(rows).toEqual([
      { stream_id: 's', text: 'null', blob: 'blob' },
      { stream_id: 't', text: 'text', blob: 'null' },
    ]);
  });

  it('deletes a stream from every read, checks expected, and restarts at revision 1', async () => {
    const store = await newStore();
    await store.append('s', 'no-stream', [event('a'), event('b')]);
    await store.append('keep', 'no-stream', [event('k')]);
    await expect(store.deleteStream('s', { expected: 1 })).rejects.toBeInstanceOf(StreamConcurrencyError);
    expect(await store.deleteStream('s', { expected: 2 })).toBe(true);
    expect(await store.deleteStream('s')).toBe(false);
    expect(await collect(store.read('s'))).toEqual([]);
    // The delete left its $streamDeleted system event (position 4) in the log, under the stream, at revision 0.
    expect((await collect(store.readAll())).map((e) => `${e.streamId}:${e.revision}:${e.type}`)).toEqual([
      'keep:1:test-event',
      's:0:$streamDeleted',
    ]);
    const again = await store.append('s', 'no-stream', [event('a')]);
    // Positions are never reused, even after the newest events were deleted.
    expect(again).toEqual({ revision: 1, position: '5' });
    await store.close();
  });

  it('lists streams in id order, resuming after a given id', async () => {
    const store = await newStore();
    for (const id of ['c', 'a', 'b', 'd']) await store.append(id, 'no-stream', [event(`${id}-1`)]);
    expect((await collect(store.listStreams())).map((s) => s.streamId)).toEqual(['a', 'b', 'c', 'd']);
    expect((await collect(store.listStreams({ after: 'b', pageSize: 1 }))).map((s) => s.streamId)).toEqual(['c', 'd']);
    await store.close();
  });

  it('declares its capabilities', async () => {
    const store = await newStore();
    expect(store.capabilities).toMatchObject({
      globalOrder: true,
      backwardRead: true,
      listStreams: true,
      optimisticConcurrency: true,
      locking: false,
    });
    expect(store.backend).toBe('sqlite');
    await store.close();
  });

  it('rejects an aborted call before any I/O', async () => {
    const store = await newStore();
    const controller = new AbortController();
    controller.abort();
    await expect(store.append('s', 'any', [event('a')], { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await store.getStream('s')).toBeNull();
    await store.close();
  });
});

describe('provisioning', () => {
  it('records its version, is idempotent, and plans nothing once applied', async () => {
    const filename = files.next();
    const storage = sqliteStorage({ filename });
    const planned = await storage.planMigrations();
    expect(planned.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(planned[0]?.statements.join('\n')).toMatch(/CREATE TABLE IF NOT EXISTS events/);
    await storage.provision();
    await storage.provision();
    expect(await storage.planMigrations()).toEqual([]);
    await storage.close();
    const db = new Database(filename, { readonly: true });
    const versions = db.prepare('SELECT version, description, checksum, applied_at FROM schema_version').all();
    const journal = db.pragma('journal_mode', { simple: true });
    db.close();
    // One row per shipped migration (their numbers may have gaps: a version reserved by a change not merged yet).
    expect(versions).toHaveLength(MIGRATIONS.length);
    expect(versions[0]).toMatchObject({ version: 1, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(journal).toBe('wal');
  });

  it('plans every migration for a missing file without creating it', async () => {
    const filename = files.next();
    const storage = sqliteStorage({ filename });
    expect((await storage.planMigrations()).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(existsSync(filename)).toBe(false);
    await storage.close();
  });

  it('refuses a database with a newer schema version', async () => {
    const filename = files.next();
    const storage = sqliteStorage({ filename });
    await storage.provision();
    await storage.close();
    const db = new Database(filename);
    db.prepare("INSERT INTO schema_version VALUES (99, 'from the future', 'x', 0)").run();
    db.close();
    const again = sqliteStorage({ filename });
    await expect(again.provision()).rejects.toMatchObject({ code: 'CONFIGURATION', message: expect.stringMatching(/newer/) });
    await again.close();
  });

  it('reports a missing schema as a configuration error', async () => {
    const store = await createStreamStore({ storage: sqliteStorage({ filename: files.next() }) });
    await expect(store.append('s', 'any', [event('a')])).rejects.toMatchObject({
      code: 'CONFIGURATION',
      message: expect.stringMatching(/provision/),
    });
    await store.close();
  });
});

describe('options', () => {
  it('rejects bad settings with ConfigurationError before opening anything', () => {
    const filename = files.next();
    for (const bad of [
      {},
      { filename: '' },
      { filename, busyTimeoutMs: -1 },
      { filename, busyTimeoutMs: 1.5 },
      { filename, synchronous: 'OFF' },
      { filename, walCheckpoints: 'never' },
      { filename, pragmas: { 'journal_mode = DELETE; --': 1 } },
      { filename, pragmas: { cache_size: '1; DROP TABLE events' } },
    ]) {
      expect(() => sqliteStorage(bad as Parameters<typeof sqliteStorage>[0])).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION' }),
      );
    }
    expect(() => sqliteStorage.multitenant({ directory: '' })).toThrow(expect.objectContaining({ code: 'CONFIGURATION' }));
    expect(existsSync(filename)).toBe(false);
  });

  it('accepts synchronous FULL and extra pragmas', async () => {
    const store = await createStreamStore({
      storage: sqliteStorage({
        filename: files.next(),
        synchronous: 'FULL',
        pragmas: { cache_size: -8192, temp_store: 'MEMORY' },
      }),
      provisionSchema: true,
    });
    expect(await store.append('s', 'no-stream', [event('a')])).toMatchObject({ revision: 1 });
    await store.close();
  });
});

describe('multitenancy', () => {
  it('keeps a database file per tenant, isolated from the others', async () => {
    const directory = join(files.next('-tenants'), 'nested');
    const factory = createStreamStoreFactory({ storage: sqliteStorage.multitenant({ directory }) });
    const acme = await factory.forTenant('acme');
    const globex = await factory.forTenant('globex_2');
    await acme.append('order-1', 'no-stream', [event('a')]);
    await globex.append('order-1', 'no-stream', [event('g1'), event('g2')]);
    expect((await collect(acme.read('order-1'))).map((e) => e.id)).toEqual(['a']);
    expect((await collect(globex.read('order-1'))).map((e) => e.id)).toEqual(['g1', 'g2']);
    expect((await collect(acme.readAll())).map((e) => e.id)).toEqual(['a']);
    expect(
      readdirSync(directory)
        .filter((name) => name.endsWith('.db'))
        .sort(),
    ).toEqual(['acme.db', 'globex_2.db']);
    await factory.close();
  });

  it('validates tenant ids again before using them as file names', async () => {
    const storage = sqliteStorage.multitenant({ directory: files.next('-tenants') });
    for (const bad of ['../evil', 'Acme', '', 'a/b', 'a.db', `a${'x'.repeat(48)}`]) {
      await expect(Promise.resolve().then(() => storage.forTenant(bad))).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    await storage.close?.();
  });
});
