import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createStreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSqliteDist, fixtureScript } from './build-dist.js';
import { tempDirectory } from './temp-files.js';

const run = promisify(execFile);
const files = tempDirectory('race');
const WRITERS = 4;
const EVENTS_PER_WRITER = 60;

beforeAll(() => buildSqliteDist());
afterAll(() => files.remove());

describe('several processes writing one file', () => {
  it('gives every revision to exactly one writer: no gaps, no duplicates, positions in revision order', async () => {
    const filename = files.next();
    // The writers also provision the new file at the same time.
    const writers = Array.from({ length: WRITERS }, (_, worker) =>
      run(process.execPath, [fixtureScript('race-writer.mjs'), filename, 'raced-1', String(EVENTS_PER_WRITER), `w${worker}`]),
    );
    const results = (await Promise.all(writers)).map(({ stdout }) => JSON.parse(stdout) as { conflicts: number });
    expect(results).toHaveLength(WRITERS);

    const store = await createStreamStore({ storage: sqliteStorage({ filename }) });
    const events = [];
    for await (const event of store.read('raced-1')) events.push(event);
    await store.close();
    const total = WRITERS * EVENTS_PER_WRITER;
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.id)).size).toBe(total);
    const positions = events.map((e) => Number(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (let worker = 0; worker < WRITERS; worker++) {
      // Each writer's own events keep their order.
      const own = events.filter((e) => e.id.startsWith(`w${worker}-`)).map((e) => Number(e.id.split('-')[1]));
      expect(own).toEqual(Array.from({ length: EVENTS_PER_WRITER }, (_, i) => i));
    }
  });
});

describe('a writer process killed mid-stream', () => {
  it('leaves whole commits only: every reported commit is there, no half batch, the head matches', async () => {
    const filename = files.next();
    const child = spawn(process.execPath, [fixtureScript('endless-writer.mjs'), filename, 'ticks'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let reported = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line) reported = Math.max(reported, Number(line));
        if (reported >= 300 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => resolve());
      child.once('error', reject);
    });
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve),
    );
    expect(child.signalCode).toBe('SIGKILL');

    const store = await createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
    const revisions: number[] = [];
    for await (const event of store.read('ticks')) revisions.push(event.revision);
    const head = (await store.getStream('ticks'))?.revision ?? 0;
    await store.close();
    expect(head).toBeGreaterThanOrEqual(reported);
    expect(head % 10).toBe(0);
    expect(revisions).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });
});
