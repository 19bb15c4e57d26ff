import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createStreamStore, type StreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSqliteDist } from './build-dist.js';
import { tempDirectory } from './temp-files.js';

const CHILD = new URL('./consumer-kill-child.mjs', import.meta.url);
const STREAMS = ['kill-0', 'kill-1', 'kill-2'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startChild(filename: string, logFile: string): Promise<ChildProcess> {
  const child = fork(CHILD, [filename, logFile, 'kill-1'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('error', reject);
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

/** Appends to the streams until `stop.done`, deleting and re-creating kill-1 now and then. */
async function writeUntil(store: StreamStore, stop: { done: boolean }, lives: Map<string, number>): Promise<void> {
  const heads = new Map(STREAMS.map((s) => [s, 0]));
  for (let round = 0; !stop.done; round++) {
    for (const streamId of STREAMS) {
      const head = heads.get(streamId) as number;
      const life = lives.get(streamId) ?? 0;
      const count = 1 + (round % 5);
      const events = Array.from({ length: count }, (_, i) => ({
        id: `${streamId}~${life}~${head + i + 1}`,
        type: 'Tick',
        data: { i },
      }));
      await store.append(streamId, head, events);
      heads.set(streamId, head + count);
    }
    if (round % 15 === 14) {
      await store.deleteStream('kill-1');
      lives.set('kill-1', (lives.get('kill-1') ?? 0) + 1);
      heads.set('kill-1', 0);
    }
    await sleep(3);
  }
}

describe('consumers killed (SIGKILL) or stopped (SIGTERM) at random moments, in another process', () => {
  beforeAll(() => buildSqliteDist(), 120_000);

  it('handle every committed event of the final lives at least once, never skip ahead, in order per stream', async () => {
    const directory = tempDirectory('consumer-kill');
    const filename = directory.next();
    const logFile = directory.next('.log');
    writeFileSync(logFile, '');
    const store = await createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
    const stop = { done: false };
    const lives = new Map<string, number>();
    const writing = writeUntil(store, stop, lives);
    let kills = 0;
    let stops = 0;
    for (let round = 0; round < 12; round++) {
      const child = await startChild(filename, logFile);
      await sleep(50 + Math.floor(Math.random() * 250));
      if (round % 3 === 2) {
        child.kill('SIGTERM');
        stops++;
      } else {
        child.kill('SIGKILL');
        kills++;
      }
      await exited(child);
    }
    stop.done = true;
    await writing;
    const heads = new Map<string, number>();
    for (const streamId of STREAMS) heads.set(streamId, (await store.getStream(streamId))?.revision ?? 0);
    const finalLife = (streamId: string) => `${streamId}~${lives.get(streamId) ?? 0}`;

    const last = await startChild(filename, logFile);
    const deadline = Date.now() + 30_000;
    const handledUpTo = (consumer: string, streamId: string) => {
      const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
      return lines.some((line) => line.startsWith(`${consumer} ${streamId} ${heads.get(streamId)} ${finalLife(streamId)}~`));
    };
    while (!(STREAMS.every((s) => handledUpTo('all', s)) && handledUpTo('one', 'kill-1')) && Date.now() < deadline)
      await sleep(20);
    last.kill('SIGTERM');
    await exited(last);
    await store.close();
    const log = readFileSync(logFile, 'utf8');
    directory.remove();

    const byConsumerAndLife = new Map<string, number[]>();
    for (const line of log.split('\n').filter(Boolean)) {
      const [consumer, , revision, id] = line.split(' ') as [string, string, string, string];
      const key = `${consumer} ${id.split('~').slice(0, 2).join('~')}`;
      const list = byConsumerAndLife.get(key) ?? [];
      list.push(Number(revision));
      byConsumerAndLife.set(key, list);
    }
    for (const [key, revisions] of byConsumerAndLife) {
      let highest = 0;
      for (const revision of revisions) {
        expect(revision, `${key} skipped ahead`).toBeLessThanOrEqual(highest + 1);
        highest = Math.max(highest, revision);
      }
    }
    for (const streamId of STREAMS) {
      const all = byConsumerAndLife.get(`all ${finalLife(streamId)}`) ?? [];
      expect(Math.max(0, ...all), `all handled ${finalLife(streamId)}`).toBe(heads.get(streamId));
    }
    const one = byConsumerAndLife.get(`one ${finalLife('kill-1')}`) ?? [];
    expect(Math.max(0, ...one), 'the stream consumer handled the final life of kill-1').toBe(heads.get('kill-1'));
    expect(kills).toBeGreaterThan(0);
    expect(stops).toBeGreaterThan(0);
  }, 120_000);
});
