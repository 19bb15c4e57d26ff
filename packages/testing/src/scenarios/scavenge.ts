import type { RecordedEvent, ScavengeProgress } from '@streamstore/core';
import type { Requirement } from '../scenario.js';
import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('scavenge');

const SCAVENGE: Requirement[] = ['streamMetadata', 'scavenge'];

const revisions = (events: readonly RecordedEvent[]) => events.map((event) => event.revision);

/** `store.scavenge` (capability `scavenge`): removes for good what retention hides, in batches, resumable. */
export const scavengeScenarios = [
  scenario(
    'removes-hidden',
    'scavenge removes what retention hides in batches with progress; relaxing retention later does not bring it back',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(10, 'a'));
      await store.append('plain', 'no-stream', testEvents(4, 'p'));
      await store.setStreamMetadata('s', { maxCount: 3 });
      const progress: ScavengeProgress[] = [];
      const result = await store.scavenge({ batchSize: 2, onProgress: (p) => void progress.push(p) });
      ctx.assert.equal(result.eventsRemoved, 7);
      ctx.assert.ok(result.streamsVisited >= 2, 'every stream is visited');
      ctx.assert.ok(progress.filter((p) => p.streamId === 's').length >= 4, 'a progress report per batch');
      ctx.assert.deepEqual(revisions(await collect(store.read('s'))), [8, 9, 10]);
      await store.setStreamMetadata('s', { maxCount: 100 });
      ctx.assert.deepEqual(revisions(await collect(store.read('s'))), [8, 9, 10], 'scavenged events stay gone');
      ctx.assert.equal((await store.getStream('s'))?.firstRevision, 8, 'getStream names the first event left');
      ctx.assert.equal((await store.getStream('s'))?.revision, 10, 'the head is unchanged');
      ctx.assert.deepEqual(revisions(await collect(store.read('plain'))), [1, 2, 3, 4], 'a stream without retention');
      if (ctx.capabilities.globalOrder) {
        const log = (await collect(store.readAll())).filter((event) => event.streamId === 's');
        ctx.assert.deepEqual(revisions(log), [8, 9, 10], 'gone from the global log');
      }
      ctx.assert.deepEqual(await store.scavenge(), { streamsVisited: result.streamsVisited, eventsRemoved: 0 }, 'again: nothing');
      // A retry of a batch whose events were removed is no longer recognised at its revision: it conflicts.
      await store.append('s', 10, testEvents(1, 'b'));
      ctx.assert.equal((await store.getStream('s'))?.revision, 11, 'appends go on from the head');
    },
    SCAVENGE,
  ),

  scenario(
    'keeps-head',
    'scavenge never removes the head event, so the head revision stays known, even when retention hides it',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('t', 'no-stream', testEvents(5, 'a'));
      await store.setStreamMetadata('t', { truncateBefore: 50 });
      const result = await store.scavenge({ streams: ['t'] });
      ctx.assert.deepEqual(result, { streamsVisited: 1, eventsRemoved: 4 });
      ctx.assert.equal((await store.getStream('t'))?.revision, 5);
      ctx.assert.deepEqual(await collect(store.read('t')), [], 'still hidden by truncateBefore');
      await store.setStreamMetadata('t', {});
      ctx.assert.deepEqual(revisions(await collect(store.read('t'))), [5], 'the head event is what is left');
      ctx.assert.equal((await store.getStream('t'))?.firstRevision, 5);
      await store.append('t', 5, testEvents(1, 'b'));
      ctx.assert.deepEqual(revisions(await collect(store.read('t'))), [5, 6]);
    },
    SCAVENGE,
  ),

  scenario(
    'resumable',
    'a scavenge stopped by its signal leaves a consistent stream, and running it again finishes the work',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('r', 'no-stream', testEvents(30, 'a'));
      await store.setStreamMetadata('r', { maxCount: 5 });
      const controller = new AbortController();
      const first = store.scavenge({
        streams: ['r'],
        batchSize: 4,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await ctx.assert.rejectsAbort(first);
      const remaining = revisions(await collect(store.read('r', { from: 1 })));
      ctx.assert.deepEqual(remaining, [26, 27, 28, 29, 30], 'reads unaffected');
      const second = await store.scavenge({ streams: ['r'], batchSize: 4 });
      ctx.assert.ok(second.eventsRemoved >= 25 - 4 && second.eventsRemoved < 25, `the rest (${second.eventsRemoved})`);
      await store.setStreamMetadata('r', {});
      ctx.assert.deepEqual(revisions(await collect(store.read('r'))), [26, 27, 28, 29, 30]);
    },
    SCAVENGE,
  ),

  scenario(
    'beside-writers',
    'scavenging beside concurrent appends and reads loses no kept event and never shows a gap',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.setStreamMetadata('w', { maxCount: 5 });
      let done = false;
      const writer = (async () => {
        for (let i = 0; i < 30; i++) await store.append('w', 'any', testEvents(2, `w${i}`));
        done = true;
      })();
      let removed = 0;
      while (!done) {
        removed += (await store.scavenge({ streams: ['w'], batchSize: 3 })).eventsRemoved;
        const read = revisions(await collect(store.read('w')));
        const first = read[0] ?? 1;
        ctx.assert.deepEqual(
          read,
          Array.from({ length: read.length }, (_, i) => first + i),
          'no gap',
        );
      }
      await writer;
      removed += (await store.scavenge({ streams: ['w'] })).eventsRemoved;
      ctx.assert.equal(removed, 55, 'every hidden event removed once');
      ctx.assert.deepEqual(revisions(await collect(store.read('w'))), [56, 57, 58, 59, 60]);
      await store.setStreamMetadata('w', {});
      ctx.assert.deepEqual(revisions(await collect(store.read('w'))), [56, 57, 58, 59, 60]);
    },
    SCAVENGE,
  ),
];
