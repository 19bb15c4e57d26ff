import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createStreamStore, type StreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSqliteDist, fixtureScript } from './build-dist.js';
import { tempDirectory } from './temp-files.js';

const run = promisify(execFile);
const files = tempDirectory('faults');
afterAll(() => files.remove());

const event = (id: string, pad = 0) => ({ id, type: 'fault-test', data: { id, pad: 'x'.repeat(pad) } });

async function provisioned(filename: string, options: { busyTimeoutMs?: number } = {}): Promise<StreamStore> {
  return createStreamStore({ storage: sqliteStorage({ filename, ...options }), provisionSchema: true });
}

async function revisions(store: StreamStore, streamId: string): Promise<number[]> {
  const out: number[] = [];
  for await (const e of store.read(streamId)) out.push(e.revision);
  return out;
}

describe('a file that is not a healthy SQLite database', () => {
  it('refuses a non-SQLite file with a ConfigurationError and leaves it untouched', async () => {
    const filename = files.next();
    const content = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(filename, content);
    const storage = sqliteStorage({ filename });
    await expect(storage.provision()).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(/not a SQLite database/),
      cause: expect.objectContaining({ code: 'SQLITE_NOTADB' }),
    });
    await expect(storage.append('s', 'any', [])).rejects.toMatchObject({ code: 'CONFIGURATION' });
    await storage.close();
    expect(readFileSync(filename, 'utf8')).toBe(content);
  });

  it('reports damaged pages as StorageCorruptedError', async () => {
    const filename = files.next();
    const store = await provisioned(filename);
    for (let i = 0; i < 40; i++) await store.append('s', i, [event(`e${i}`, 300)]);
    await store.close();
    const bytes = readFileSync(filename);
    // Overwrite pages 4..6 (events b-tree pages) with garbage; page 1 (header and schema) stays intact.
    bytes.fill(0xee, 4096 * 3, 4096 * 6);
    writeFileSync(filename, bytes);
    const damaged = await provisioned(filename);
    await expect(revisions(damaged, 's')).rejects.toMatchObject({ name: 'StorageCorruptedError', code: 'STORAGE_CORRUPTED' });
    await damaged.close();
  });
});

describe('a head row that disagrees with the events', () => {
  it('is reported as StorageCorruptedError and nothing is written', async () => {
    const filename = files.next();
    const store = await provisioned(filename);
    await store.append('s', 'no-stream', [event('a'), event('b')]);
    const db = new Database(filename);
    db.prepare("UPDATE streams SET revision = 1 WHERE stream_id = 's'").run();
    db.close();
    await expect(store.append('s', 1, [event('c')])).rejects.toMatchObject({
      name: 'StorageCorruptedError',
      message: expect.stringMatching(/behind/),
    });
    expect(await revisions(store, 's')).toEqual([1, 2]);
    await store.close();
  });
});

describe('read-only files and directories', () => {
  beforeAll(() => buildSqliteDist());

  // Root ignores file modes: the writes are tried by a child process running as an unprivileged user then.
  async function tryWriteAsUnprivileged(filename: string) {
    const asRoot = process.getuid?.() === 0;
    const { stdout } = await run(process.execPath, [fixtureScript('try-write.mjs'), filename], {
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    return JSON.parse(stdout) as {
      revision?: number;
      appended?: boolean;
      error?: { name: string; code: string; message: string };
    };
  }

  it('cannot create a database in a read-only directory: ConfigurationError', async () => {
    const directory = files.next('-ro');
    mkdirSync(directory);
    chmodSync(directory, 0o555);
    const outcome = await tryWriteAsUnprivileged(join(directory, 'events.db')).finally(() => chmodSync(directory, 0o755));
    expect(outcome.error).toMatchObject({ name: 'ConfigurationError', code: 'CONFIGURATION' });
    expect(outcome.error?.message).toMatch(/cannot be opened|read-only/);
  });

  it('cannot write to a read-only file: ConfigurationError, the data unchanged', async () => {
    const directory = files.next('-rofile');
    mkdirSync(directory);
    const filename = join(directory, 'events.db');
    const store = await provisioned(filename);
    await store.append('s', 'no-stream', [event('a')]);
    await store.close();
    chmodSync(filename, 0o444);
    chmodSync(directory, 0o555);
    const outcome = await tryWriteAsUnprivileged(filename).finally(() => chmodSync(directory, 0o755));
    expect(outcome.appended).toBeUndefined();
    expect(outcome.error).toMatchObject({ name: 'ConfigurationError', code: 'CONFIGURATION' });
    const reader = await createStreamStore({ storage: sqliteStorage({ filename, readonly: true }) });
    expect(await revisions(reader, 's')).toEqual([1]);
    await reader.close();
  });

  it('opened with readonly: true, reads work and writes fail with ConfigurationError', async () => {
    const filename = files.next();
    const writer = await provisioned(filename);
    await writer.append('s', 'no-stream', [event('a')]);
    const reader = await createStreamStore({ storage: sqliteStorage({ filename, readonly: true }), provisionSchema: true });
    expect(await revisions(reader, 's')).toEqual([1]);
    await expect(reader.append('s', 1, [event('b')])).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(/read-only/),
    });
    expect(await revisions(writer, 's')).toEqual([1]);
    await reader.close();
    await writer.close();
  });
});

describe('a database locked by another connection', () => {
  it('waits for the busy timeout, then fails with StorageUnavailableError; reads still work; nothing written', async () => {
    const filename = files.next();
    const store = await provisioned(filename, { busyTimeoutMs: 100 });
    await store.append('s', 'no-stream', [event('a')]);
    const other = new Database(filename);
    other.exec('BEGIN EXCLUSIVE');
    try {
      await expect(store.append('s', 1, [event('b')])).rejects.toMatchObject({
        name: 'StorageUnavailableError',
        message: expect.stringMatching(/locked/),
        cause: expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) }),
      });
      await expect(store.deleteStream('s')).rejects.toMatchObject({ name: 'StorageUnavailableError' });
      expect(await revisions(store, 's')).toEqual([1]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await store.append('s', 1, [event('b')])).toMatchObject({ revision: 2 });
    await store.close();
  });
});

describe('a full database', () => {
  it('fails the commit with StorageUnavailableError, keeps every earlier event and opens again', async () => {
    const filename = files.next();
    // max_page_count caps this connection's database size, as a full disk would.
    const store = await createStreamStore({
      storage: sqliteStorage({ filename, pragmas: { max_page_count: 16 } }),
      provisionSchema: true,
    });
    let committed = 0;
    let failure: unknown;
    for (let i = 0; i < 1000 && failure === undefined; i++) {
      try {
        await store.append('s', committed, [event(`e${i}`, 400), event(`f${i}`, 400)]);
        committed += 2;
      } catch (error) {
        failure = error;
      }
    }
    expect(committed).toBeGreaterThan(0);
    expect(failure).toMatchObject({
      name: 'StorageUnavailableError',
      message: expect.stringMatching(/full/),
      cause: expect.objectContaining({ code: 'SQLITE_FULL' }),
    });
    // The failed commit left nothing behind, and the connection is still usable.
    expect((await store.getStream('s'))?.revision).toBe(committed);
    await store.close();
    const reopened = await provisioned(filename);
    expect(await revisions(reopened, 's')).toEqual(Array.from({ length: committed }, (_, i) => i + 1));
    expect(await reopened.append('s', committed, [event('after')])).toMatchObject({ revision: committed + 1 });
    await reopened.close();
  });
});
