import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigurationError, createStreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSqliteDist, fixtureScript } from './build-dist.js';
import { tempDirectory } from './temp-files.js';

const run = promisify(execFile);
const files = tempDirectory('paths');
afterAll(() => files.remove());

const event = (id: string) => ({ id, type: 'path-test', data: { id } });

/** Opens a store and makes one read: the first call that touches the file. */
async function openAndRead(filename: string, options: { readonly?: boolean; provisionSchema?: boolean } = {}) {
  const store = await createStreamStore({
    storage: sqliteStorage({ filename, readonly: options.readonly }),
    provisionSchema: options.provisionSchema ?? false,
  });
  try {
    return await store.getStream('s');
  } finally {
    await store.close();
  }
}

describe('paths that cannot hold a database', () => {
  it('a missing directory is a ConfigurationError naming it, and nothing is created', async () => {
    const directory = files.next('-missing');
    const filename = join(directory, 'events.db');
    const error = await openAndRead(filename, { provisionSchema: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/directory .* does not exist/);
    expect(existsSync(directory)).toBe(false);
  });

  it('a path that is a directory is a ConfigurationError, read-only or not', async () => {
    const directory = files.next('-dir');
    mkdirSync(directory);
    for (const readonly of [false, true]) {
      const error = await openAndRead(directory, { readonly, provisionSchema: !readonly }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/is a directory/);
    }
    expect(readdirSync(directory)).toEqual([]);
  });

  it('a missing file opened read-only is a ConfigurationError saying it does not exist', async () => {
    const filename = files.next();
    const error = await openAndRead(filename, { readonly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/does not exist/);
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
    expect(existsSync(filename)).toBe(false);
  });
});

describe('a SQLite database that is not ours', () => {
  function foreignDatabase(filename: string, setup: string): Buffer {
    const db = new Database(filename);
    db.exec(setup);
    db.close();
    return readFileSync(filename);
  }

  it('with another application’s tables: refused before anything changes, with or without provisioning', async () => {
    const filename = files.next();
    const before = foreignDatabase(
      filename,
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')",
    );
    for (const provisionSchema of [false, true]) {
      const error = await openAndRead(filename, { provisionSchema }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/another application's tables \(notes\)/);
      expect(readFileSync(filename).equals(before)).toBe(true);
      expect(existsSync(`${filename}-wal`)).toBe(false);
    }
  });

  it('without any table and without provisioning: a ConfigurationError, the file unchanged', async () => {
    const filename = files.next();
    const before = foreignDatabase(filename, 'PRAGMA user_version = 7; VACUUM');
    const error = await openAndRead(filename).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/no StreamStore schema/);
    expect(readFileSync(filename).equals(before)).toBe(true);
  });

  it('without any table, provisioning creates the schema in WAL mode', async () => {
    const filename = files.next();
    foreignDatabase(filename, 'VACUUM');
    const store = await createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
    await store.append('s', 'no-stream', [event('a')]);
    await store.close();
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('readonly: true in a read-only directory', () => {
  beforeAll(() => buildSqliteDist());

  // Root ignores file modes: the read is tried by a child process running as an unprivileged user then.
  async function readAsUnprivileged(filename: string) {
    const asRoot = process.getuid?.() === 0;
    const { stdout } = await run(process.execPath, [fixtureScript('try-read.mjs'), filename], {
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    return JSON.parse(stdout) as { revisions?: number[]; error?: { name: string; message: string; cause?: string } };
  }

  async function databaseIn(directory: string, journalMode: 'WAL' | 'DELETE'): Promise<string> {
    mkdirSync(directory);
    const filename = join(directory, 'events.db');
    const store = await createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
    await store.append('s', 'no-stream', [event('a'), event('b')]);
    await store.close();
    const db = new Database(filename);
    db.pragma(`journal_mode = ${journalMode}`);
    db.close();
    return filename;
  }

  it('reads a database in rollback-journal mode', async () => {
    const directory = files.next('-ro-delete');
    const filename = await databaseIn(directory, 'DELETE');
    chmodSync(directory, 0o555);
    const outcome = await readAsUnprivileged(filename).finally(() => chmodSync(directory, 0o755));
    expect(outcome).toEqual({ revisions: [1, 2] });
  });

  it('reads a WAL database while a writer keeps its -wal and -shm files open', async () => {
    const directory = files.next('-ro-wal-open');
    const filename = await databaseIn(directory, 'WAL');
    const writer = await createStreamStore({ storage: sqliteStorage({ filename }) });
    await writer.append('s', 2, [event('c')]);
    chmodSync(directory, 0o555);
    const outcome = await readAsUnprivileged(filename).finally(() => chmodSync(directory, 0o755));
    await writer.close();
    expect(outcome).toEqual({ revisions: [1, 2, 3] });
  });

  it('says exactly why a closed WAL database cannot be read there (no -shm file can be created)', async () => {
    const directory = files.next('-ro-wal');
    const filename = await databaseIn(directory, 'WAL');
    const before = readFileSync(filename);
    chmodSync(directory, 0o555);
    const outcome = await readAsUnprivileged(filename).finally(() => chmodSync(directory, 0o755));
    expect(outcome.error).toMatchObject({ name: 'ConfigurationError', cause: 'SQLITE_READONLY_DIRECTORY' });
    expect(outcome.error?.message).toMatch(/WAL mode/);
    expect(outcome.error?.message).toMatch(/events\.db-shm/);
    expect(outcome.error?.message).toMatch(/journal_mode=DELETE/);
    expect(readFileSync(filename).equals(before)).toBe(true);
    expect(readdirSync(directory)).toEqual(['events.db']);
  });
});
