import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { processAlive } from '../../../scripts/test-support/faults.js';

// Vitest runs test files in parallel processes; the fault test stops the shared node. A small reader/writer lock
// in the file system keeps it apart: test files using the node hold a shared marker, the fault test an exclusive
// one. Each side creates its marker first and then checks for the other kind, so both can never proceed.
const DIR = '/tmp/streamstore-cassandra-test-locks';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function holders(kind: 'shared' | 'exclusive'): string[] {
  mkdirSync(DIR, { recursive: true });
  return readdirSync(DIR).filter((name) => {
    if (!name.startsWith(`${kind}-`)) return false;
    const pid = Number(name.split('-')[1]);
    if (pid === process.pid || processAlive(pid)) return true;
    rmSync(join(DIR, name), { force: true }); // left behind by a process that died
    return false;
  });
}

async function acquire(kind: 'shared' | 'exclusive'): Promise<string> {
  const marker = join(DIR, `${kind}-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const other = kind === 'shared' ? 'exclusive' : 'shared';
  for (;;) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(marker, '');
    if (holders(other).length === 0) return marker;
    if (kind === 'shared') rmSync(marker, { force: true }); // let the exclusive holder go first
    await sleep(250);
  }
}

/** Registers hooks holding the node in shared mode for the whole test file. */
export function useSharedNode(): void {
  let marker: string | undefined;
  beforeAll(async () => {
    marker = await acquire('shared');
  }, 600_000);
  afterAll(() => {
    if (marker) rmSync(marker, { force: true });
  });
}

/** Registers hooks holding the node exclusively (no other Cassandra test file runs meanwhile). */
export function useExclusiveNode(): void {
  let marker: string | undefined;
  beforeAll(async () => {
    marker = await acquire('exclusive');
  }, 600_000);
  afterAll(() => {
    if (marker) rmSync(marker, { force: true });
  });
}
