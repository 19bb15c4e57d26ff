import { existsSync, statSync } from 'node:fs';
import { createStreamStore, type StreamStore } from '@streamstore/core';
import { type SqliteStorageOptions, sqliteStorage } from '@streamstore/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('checkpoints');
afterAll(() => files.remove());

const payload = 'x'.repeat(2000);

/** 100 one-event commits of ~2 KB: a few hundred WAL pages, below SQLite's own threshold of 1,000. */
async function write(store: StreamStore): Promise<void> {
  for (let i = 0; i < 100; i++) await store.append(`s-${i % 10}`, 'any', [{ type: 't', data: { i, payload } }]);
}

async function openStore(filename: string, options: Partial<SqliteStorageOptions> = {}): Promise<StreamStore> {
  return createStreamStore({ storage: sqliteStorage({ filename, ...options }), provisionSchema: true });
}

/** Waits until `condition` holds, checking every 20 ms for up to 5 s. */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 20) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('background checkpoints', () => {
  it('copy the WAL back into the database file while the store keeps it open, without a commit doing it', async () => {
    const filename = files.next();
    const store = await openStore(filename);
    const before = statSync(filename).size;
    await write(store);
    // Below 1,000 pages no commit checkpoints: only the worker can have grown the database file.
    expect(await eventually(() => statSync(filename).size > before + 100 * 2000)).toBe(true);
    expect((await store.getStream('s-0'))?.revision).toBe(10);
    await store.close();
  });

  it('are off with walCheckpoints: inline, where the file grows only at a commit past 1,000 pages', async () => {
    const filename = files.next();
    const store = await openStore(filename, { walCheckpoints: 'inline' });
    const before = statSync(filename).size;
    await write(store);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statSync(filename).size).toBe(before);
    await store.close();
  });

  it('let go of the file when the store closes: the WAL is folded back and removed, every event is kept', async () => {
    const filename = files.next();
    const store = await openStore(filename);
    await write(store);
    await store.close();
    expect(existsSync(`${filename}-wal`)).toBe(false);
    const again = await openStore(filename);
    expect((await again.getStream('s-9'))?.revision).toBe(10);
    await again.close();
  });
});
