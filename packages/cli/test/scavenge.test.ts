/**
 * `streamstore scavenge`: on a SQLite file whose streams have retention it removes what reads hide (reads unchanged,
 * the hidden events gone for good), a rerun finds nothing left, and a backend without capability `scavenge` is a
 * configuration error (exit 3) saying so.
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { createStreamStore, memoryStorage } from '@streamstore/core';
import type { BackendDescriptor, StreamStorage } from '@streamstore/core/storage';
import { sqliteStorage } from '@streamstore/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/program.js';
import { ensureBuilt, removeDir, runCli, startCli, tempDir } from './cli-harness.js';

const cwd = tempDir();
const file = `${cwd}/events.db`;
const on = ['--file', file];

async function withFileStore<T>(work: (store: Awaited<ReturnType<typeof createStreamStore>>) => Promise<T>): Promise<T> {
  const store = await createStreamStore({ storage: sqliteStorage({ filename: file }), provisionSchema: true });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function revisions(store: Awaited<ReturnType<typeof createStreamStore>>, streamId: string): Promise<number[]> {
  const seen: number[] = [];
  for await (const event of store.read(streamId)) seen.push(event.revision);
  return seen;
}

const events = (count: number) => Array.from({ length: count }, (_, n) => ({ type: 'Reading', data: { n } }));

beforeAll(async () => {
  await ensureBuilt();
  await withFileStore(async (store) => {
    await store.append('sensor-1', 'no-stream', events(50));
    await store.append('sensor-2', 'no-stream', events(30));
    await store.append('plain', 'no-stream', events(10));
    await store.setStreamMetadata('sensor-1', { maxCount: 5 });
    await store.setStreamMetadata('sensor-2', { truncateBefore: 21 });
  });
}, 240_000);
afterAll(() => removeDir(cwd));

describe('streamstore scavenge', () => {
  it('removes what retention hides on the --stream streams only, reads unchanged, and says how much', async () => {
    const before = await withFileStore((store) => revisions(store, 'sensor-1'));
    expect(before).toEqual([46, 47, 48, 49, 50]);
    const run = await runCli(['scavenge', ...on, '--stream', 'sensor-1', '--batch-size', '7'], { cwd });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^scavenged .*events\.db: 1 stream\(s\) visited, 45 event\(s\) removed in \d+\.\d\d s \(\d+ events\/s\)\n$/,
    );
    await withFileStore(async (store) => {
      expect(await revisions(store, 'sensor-1')).toEqual(before);
      // Relaxing the retention shows nothing more: the hidden events are gone for good.
      await store.setStreamMetadata('sensor-1', {});
      expect(await revisions(store, 'sensor-1')).toEqual(before);
      expect(await revisions(store, 'sensor-2')).toHaveLength(10);
    });
  });

  it('every stream by default; a rerun finds nothing left', async () => {
    const run = await runCli(['scavenge', ...on], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: 3 stream\(s\) visited, 20 event\(s\) removed in /);
    await withFileStore(async (store) => {
      await store.setStreamMetadata('sensor-2', {});
      expect(await revisions(store, 'sensor-2')).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));
      expect(await revisions(store, 'plain')).toHaveLength(10);
    });
    const again = await runCli(['scavenge', ...on], { cwd });
    expect(again.stdout).toMatch(/: 3 stream\(s\) visited, 0 event\(s\) removed in /);
  });

  it('Ctrl-C stops it between batches (exit 130, what is removed stays removed); a rerun resumes and finishes', async () => {
    await withFileStore(async (store) => {
      for (let n = 0; n < 10; n++) await store.append('long', 'any', events(10_000));
      await store.setStreamMetadata('long', { maxCount: 1 });
    });
    // A batch of one event per statement: slow enough to be interrupted after its first progress line.
    const child = startCli(['scavenge', ...on, '--stream', 'long', '--batch-size', '1'], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    while (!stdout.includes('scavenging long:')) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const [code] = await once(child, 'close');
    expect(code).toBe(130);
    expect(stdout).toMatch(/^scavenging long: 0 stream\(s\) done, \d+ event\(s\) removed in /);
    const interrupted =
      /^interrupted: 0 stream\(s\) visited, (\d+) event\(s\) removed in .*; run the command again to resume\n$/.exec(stderr);
    expect(interrupted).not.toBeNull();
    const first = Number(interrupted?.[1]);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(99_999);
    const rerun = await runCli(['scavenge', ...on, '--stream', 'long', '--quiet'], { cwd });
    expect(rerun.code).toBe(0);
    const second = Number(/visited, (\d+) event\(s\) removed/.exec(rerun.stdout)?.[1]);
    expect(first + second).toBe(99_999);
    await withFileStore(async (store) => {
      expect(await revisions(store, 'long')).toEqual([100_000]);
      await store.setStreamMetadata('long', {});
      expect(await revisions(store, 'long')).toEqual([100_000]);
    });
  }, 120_000);

  it('a bad --batch-size or stream id is refused before any work', async () => {
    const big = await runCli(['scavenge', ...on, '--batch-size', '100001'], { cwd });
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('Must be at most 100000.');
    const id = await runCli(['scavenge', ...on, '--stream', ''], { cwd });
    expect(id.code).toBe(4);
  });

  it('a backend without capability scavenge is a configuration error (exit 3) naming it', async () => {
    // A server backend whose storage lacks the capability, as Cassandra's and S3's do.
    const withoutScavenge = (storage: StreamStorage): StreamStorage =>
      new Proxy(storage, {
        get(target, property) {
          if (property === 'capabilities') return { ...target.capabilities, scavenge: false };
          if (property === 'removeEvents') return undefined;
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const descriptor: BackendDescriptor = {
      name: 'nodelete',
      packageName: '@example/nodelete',
      description: 'a backend that cannot remove events',
      urlSchemes: ['nodelete'],
      capabilities: { globalOrder: true, backwardRead: true, listStreams: true, optimisticConcurrency: true, locking: false },
      storageFromUrl: async () => withoutScavenge(memoryStorage()),
      multitenantFromUrl: async () => memoryStorage.multitenant(),
    };
    let stdout = '';
    let stderr = '';
    const sink = (write: (text: string) => void) =>
      new Writable({
        write(chunk, _encoding, done) {
          write(String(chunk));
          done();
        },
      }) as unknown as NodeJS.WriteStream;
    const code = await main(['node', 'streamstore', 'scavenge', '--backend', 'nodelete', '--url', 'nodelete://x'], {
      stdout: sink((text) => {
        stdout += text;
      }),
      stderr: sink((text) => {
        stderr += text;
      }),
      env: {},
      cwd,
      backends: [descriptor],
    });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'error: The nodelete backend cannot remove events, so it cannot be scavenged (its reads apply retention all the same); scavenging needs memory, sqlite or postgres (NOT_SUPPORTED)\n',
    );
  });
});
