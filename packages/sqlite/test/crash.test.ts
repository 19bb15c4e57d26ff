import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import { runCrashTest } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

// The child runs on the built dists (`npm test` builds first; alone: `npx tsc -b packages/core packages/testing packages/sqlite`).
const childModule = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const files = tempDirectory('crash');

afterAll(() => files.remove());

describe('sqlite: a writer process killed with SIGKILL at random moments', () => {
  it('keeps every acknowledged commit, whole, at its revisions, with no gap', async () => {
    const filename = files.next();
    const setup = await createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
    await setup.close();

    const report = await runCrashTest({
      childModule,
      childArgs: [filename],
      openStore: () => createStreamStore({ storage: sqliteStorage({ filename }) }),
      streams: 3,
      kills: 10,
      killDelayMs: [20, 500],
      log: (line) => line.startsWith('verified') && console.log(`sqlite crash test ${line}`),
    });

    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
  }, 90_000);
});
