import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { runCrashTest } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { conditionalStorage, freshPrefix, gateway, lockedStorage, lockSql } from './support.js';

// The child runs on the built dists (`npm test` builds first; alone: `npx tsc -b packages/core packages/testing packages/s3`).
const childModule = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const lockUrl = process.env.STREAMSTORE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// The lock table of support.ts's provider, which the verifying store reads confirmed tokens from.
const lockTable = 'streamstore_s3_test_locks';
// Short leases: a killed child's leases block its successor for at most this long.
const lockTtlMs = 3_000;

afterAll(async () => {
  await lockSql.end({ timeout: 5 });
});

describe('s3: a writer process killed with SIGKILL at random moments', () => {
  it('conditional writes: keeps every acknowledged commit, whole, at its revisions, with no gap', async () => {
    const prefix = freshPrefix('crash-cond');
    await (await createStreamStore({ storage: conditionalStorage(prefix), provisionSchema: true })).close();

    const report = await runCrashTest({
      childModule,
      childArgs: ['conditional', prefix, gateway.endpoint],
      openStore: () => createStreamStore({ storage: conditionalStorage(prefix) }),
      streams: 3,
      kills: 5,
      killDelayMs: [300, 2000],
      log: (line) => line.startsWith('verified') && console.log(`s3 (conditional) crash test ${line}`),
    });

    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
  }, 120_000);

  it('lock mode (B2 preset): a commit of a killed lease holder is whole or void, never partial', async () => {
    const prefix = freshPrefix('crash-lock');
    await (await createStreamStore({ storage: lockedStorage(prefix), provisionSchema: true })).close();

    const report = await runCrashTest({
      childModule,
      childArgs: ['lock', prefix, gateway.endpoint, lockUrl, lockTable, String(lockTtlMs)],
      openStore: () => createStreamStore({ storage: lockedStorage(prefix) }),
      streams: 3,
      kills: 5,
      // Each child first waits out the leases its killed predecessor held.
      killDelayMs: [lockTtlMs + 300, lockTtlMs + 2000],
      log: (line) => line.startsWith('verified') && console.log(`s3 (lock mode) crash test ${line}`),
    });

    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
  }, 120_000);
});
