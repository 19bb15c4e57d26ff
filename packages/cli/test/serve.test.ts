/** `streamstore serve` as a command: auth modes, the printed token, writes, and consumers over a real SQLite store. */
import { join } from 'node:path';
import { createStreamStore } from '@streamstore/core';
import { sqliteCheckpointStore, sqliteDeadLetterStore, sqliteStorage } from '@streamstore/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';
import { startServe } from './serve-harness.js';

let dir: string;
let file: string;

beforeAll(async () => {
  await ensureBuilt(['server']);
  dir = tempDir();
  file = join(dir, 'events.db');
  const storage = sqliteStorage({ filename: file });
  const store = await createStreamStore({ storage, provisionSchema: true });
  await store.append('order-1', 'no-stream', [
    { type: 'OrderPlaced', data: { total: 1 } },
    { type: 'OrderPaid', data: { total: 1 } },
  ]);
  const subscription = store.subscribe({
    to: 'all',
    consumer: 'totals',
    checkpoints: sqliteCheckpointStore(storage),
    deadLetters: sqliteDeadLetterStore(storage),
    onError: { attempts: 1, afterRetries: 'dead-letter' },
    handler: (event) => {
      if (event.type === 'OrderPaid') throw new Error('boom');
    },
  });
  await subscription.caughtUp;
  await subscription.stop();
  await store.close();
}, 120_000);

afterAll(() => removeDir(dir));

describe('streamstore serve', () => {
  it('generates and prints a token, and requires it', async () => {
    const serve = await startServe(['--file', file], dir);
    try {
      expect(serve.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(serve.output()).toContain(`#token=${serve.token}`);
      expect((await fetch(`${serve.url}/api/info`)).status).toBe(401);
      const info = await fetch(`${serve.url}/api/info`, { headers: { authorization: `Bearer ${serve.token}` } });
      expect(await info.json()).toMatchObject({ backend: 'sqlite', allowWrites: false, consumers: true });
    } finally {
      await serve.stop();
    }
  });

  it('uses a given token without printing it', async () => {
    const token = 'given-token-given-token-1234';
    const serve = await startServe(['--file', file, '--token', token], dir);
    try {
      expect(serve.output()).not.toContain(token);
      expect((await fetch(`${serve.url}/api/streams`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await serve.stop();
    }
  });

  it('refuses --no-auth on a non-loopback address', async () => {
    const run = await runCli(['serve', '--file', file, '--no-auth', '--host', '0.0.0.0', '--port', '0'], { cwd: dir });
    // A configuration error (the exit code table is in src/exit-codes.ts).
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('(CONFIGURATION)');
    expect(run.stderr).toContain('--no-auth is only allowed on a loopback address');
  });

  it('appends with --allow-writes, and lists and retries dead letters of the SQLite store', async () => {
    const serve = await startServe(['--file', file, '--no-auth', '--allow-writes'], dir);
    try {
      const post = (url: string, body: unknown) =>
        fetch(serve.url + url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const appended = await post('/api/stream/events?id=order-2', {
        expectedRevision: 0,
        events: [{ type: 'OrderPlaced', data: {} }],
      });
      expect(appended.status).toBe(201);
      const consumers = (await (await fetch(`${serve.url}/api/consumers`)).json()) as { consumers: unknown[] };
      expect(consumers.consumers).toEqual([expect.objectContaining({ consumer: 'totals', checkpoint: '2', lag: 1 })]);
      const letters = (await (await fetch(`${serve.url}/api/dead-letters`)).json()) as { deadLetters: Array<{ id: string }> };
      expect(letters.deadLetters).toHaveLength(1);
      const retried = await post(`/api/dead-letters/${letters.deadLetters[0]?.id}/retry`, {});
      expect(await retried.json()).toMatchObject({ status: 'retried', checkpoint: '1' });
      expect((await fetch(`${serve.url}/api/dead-letters/999`, { method: 'DELETE' })).status).toBe(404);
    } finally {
      await serve.stop();
    }
  });
});
