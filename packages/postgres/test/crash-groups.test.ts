import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { runCrashTest } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import type { GroupCommitStats } from '../src/postgres-storage.js';
import { adminClient, CONNECTION_STRING, uniqueSchema } from './support.js';

// The child runs on the built dists (`npm test` builds first; alone: `npx tsc -b packages/core packages/testing packages/postgres`).
const childModule = fileURLToPath(new URL('./crash-group-child.mjs', import.meta.url));
const schema = uniqueSchema('crashgroups');
const statsDir = mkdtempSync(join(tmpdir(), 'streamstore-crash-groups-'));

afterAll(async () => {
  rmSync(statsDir, { recursive: true, force: true });
  const sql = adminClient();
  try {
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  } finally {
    await sql.end();
  }
});

const open = () =>
  createStreamStore({ storage: postgresStorage({ connectionString: CONNECTION_STRING, schema, pool: { max: 2 } }) });

describe('postgres: a writer process killed with SIGKILL while groups of commits are in flight', () => {
  it('leaves every commit of every group whole or absent, and every acknowledged one at its revisions', async () => {
    await (
      await createStreamStore({
        storage: postgresStorage({ connectionString: CONNECTION_STRING, schema }),
        provisionSchema: true,
      })
    ).close();

    const report = await runCrashTest({
      childModule,
      childArgs: [CONNECTION_STRING, schema, statsDir],
      openStore: open,
      streams: 8,
      writers: 8,
      maxBatch: 6,
      kills: 10,
      killDelayMs: [80, 600],
      log: (line) => line.startsWith('verified') && console.log(`postgres crash test (groups) ${line}`),
    });

    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
    // Groups formed, and kills caught several commits in flight at once.
    const stats = readdirSync(statsDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(statsDir, file), 'utf8')) as GroupCommitStats);
    expect(stats.reduce((n, s) => n + s.groups, 0)).toBeGreaterThan(0);
    expect(report.rounds.some((round) => round.inFlight.length >= 2)).toBe(true);
  }, 120_000);
});
