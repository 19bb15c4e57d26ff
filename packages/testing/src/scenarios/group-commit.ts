import { DuplicateEventError, StreamConcurrencyError } from '@streamstore/core';
import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('group-commit');

/**
 * Commits sent at once (a backend that groups them commits them together): each keeps its own outcome, per-stream
 * order and the global log stay as if they had been sent one by one.
 */
export const groupCommitScenarios = [
  scenario(
    'own-outcomes',
    'of commits sent at once, one stale expectation, one duplicate id and one aborted signal fail exactly those three; the rest commit',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('stale', 'no-stream', testEvents(2, 'stale'));
      await store.append('dup', 'no-stream', testEvents(2, 'dup'));
      const controller = new AbortController();
      const good = Array.from({ length: 6 }, (_, i) =>
        store.append(`good-${i}`, 'no-stream', testEvents(1 + (i % 3), `good${i}`)),
      );
      const stale = store.append('stale', 1, testEvents(1, 'stale', 3));
      const duplicate = store.append('dup', 'any', [testEvents(1, 'dup', 2)[0]!, ...testEvents(1, 'dup', 3)]);
      const aborted = store.append('aborted', 'no-stream', testEvents(2, 'ab'), { signal: controller.signal });
      controller.abort();
      const outcomes = await Promise.allSettled([...good, stale, duplicate, aborted]);
      const [staleOutcome, duplicateOutcome, abortedOutcome] = outcomes.slice(6);
      ctx.assert.ok(
        outcomes.slice(0, 6).every((outcome) => outcome.status === 'fulfilled'),
        'the good commits commit',
      );
      ctx.assert.ok(
        staleOutcome?.status === 'rejected' &&
          staleOutcome.reason instanceof StreamConcurrencyError &&
          staleOutcome.reason.actual === 2,
        'the stale expectation is a conflict with the actual revision',
      );
      ctx.assert.ok(
        duplicateOutcome?.status === 'rejected' && duplicateOutcome.reason instanceof DuplicateEventError,
        'the duplicate id is a DuplicateEventError',
      );
      // The abort fires after the call: a backend that already committed it (synchronously) may say so; one that
      // was still holding it for its group must leave it out. Either way, all of it or nothing.
      const abortedWritten = (await store.getStream('aborted'))?.revision ?? 0;
      if (abortedOutcome?.status === 'rejected') {
        ctx.assert.equal((abortedOutcome.reason as Error).name, 'AbortError', 'an aborted commit rejects with AbortError');
        ctx.assert.equal(abortedWritten, 0, 'nothing of the aborted commit');
      } else {
        ctx.assert.equal(abortedWritten, 2, 'a commit that beat its abort is whole');
      }
      for (let i = 0; i < 6; i++) ctx.assert.equal((await store.getStream(`good-${i}`))?.revision, 1 + (i % 3));
      ctx.assert.equal((await store.getStream('stale'))?.revision, 2, 'nothing of the stale commit');
      ctx.assert.equal((await store.getStream('dup'))?.revision, 2, 'nothing of the duplicate commit');
    },
  ),
  scenario(
    'concurrent-streams',
    '50 commits sent at once to 5 streams end with contiguous revisions, each commit whole, and the global log in commit order',
    async (ctx) => {
      const store = await ctx.createStore();
      const commits = Array.from({ length: 50 }, (_, i) => ({
        streamId: `gc-${i % 5}`,
        events: testEvents(1 + (i % 4), `c${i}`),
      }));
      const results = await Promise.all(commits.map(({ streamId, events }) => store.append(streamId, 'any', events)));
      for (let s = 0; s < 5; s++) {
        const streamId = `gc-${s}`;
        const events = await collect(store.read(streamId));
        const expectedCount = commits.filter((c) => c.streamId === streamId).reduce((n, c) => n + c.events.length, 0);
        ctx.assert.deepEqual(
          events.map((e) => e.revision),
          Array.from({ length: expectedCount }, (_, i) => i + 1),
          `${streamId}: contiguous revisions`,
        );
        // Each commit's events sit together, ending at the revision its commit returned.
        commits.forEach(({ streamId: id, events: written }, i) => {
          if (id !== streamId) return;
          const last = (results[i] as { revision: number }).revision;
          ctx.assert.deepEqual(
            events.slice(last - written.length, last).map((e) => e.id),
            written.map((e) => e.id),
            `commit ${i} whole at revisions ${last - written.length + 1}..${last}`,
          );
        });
      }
      if (!ctx.capabilities.globalOrder) return;
      const log = await collect(store.readAll());
      ctx.assert.equal(
        log.length,
        commits.reduce((n, c) => n + c.events.length, 0),
        'every event once in the log',
      );
      const lastRevision = new Map<string, number>();
      for (const event of log) {
        ctx.assert.equal(event.revision, (lastRevision.get(event.streamId) ?? 0) + 1, 'per-stream revision order in the log');
        lastRevision.set(event.streamId, event.revision);
      }
      const commitPositions = results.map((result) => BigInt(result.position as string)).sort((a, b) => (a < b ? -1 : 1));
      const logPositions = new Set(log.map((event) => event.position));
      ctx.assert.ok(
        commitPositions.every((position) => logPositions.has(String(position))),
        'each commit result names its last event in the log',
      );
    },
  ),
];
