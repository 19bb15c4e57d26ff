import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { runCrashTest } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { adminClient, CONNECTION_STRING, uniqueSchema } from './support.js';

// The child runs on the built dists (`npm test` builds first; alone: `npx tsc -b packages/core packages/testing packages/postgres`).
const childModule = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const schema = uniqueSchema('crash');

afterAll(async () => {
  const sql = adminClient();
  try {
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  } finally {
    await sql.end();
  }
});

const open = () =>
  createStreamStore({ storage: postgresStorage({ connectionString: CONNECTION_STRING, schema, pool: { max: 2 } }) });

describe('postgres: a writer process killed with SIGKILL at random moments', () => {
  it('keeps every acknowledged commit, whole, at its revisions, with no gap', async () => {
    await (
      await createStreamStore({
        storage: postgresStorage({ connectionString: CONNECTION_STRING, schema }),
        provisionSchema: true,
      })
    ).close();

    const report = await runCrashTest({
      childModule,
      childArgs: [CONNECTION_STRING, schema],
      openStore: open,
      streams: 3,
      kills: 10,
      killDelayMs: [50, 800],
      log: (line) => line.startsWith('verified') && console.log(`postgres crash test ${line}`),
    });

    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
  }, 90_000);
});
