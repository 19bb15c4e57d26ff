import type { StreamStore } from '@streamstore/core';
import type { ScenarioContext } from '../scenario.js';
import { present } from '../support/assertions.js';
import { collect, essentials, expectedEssentials, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('read');
const PAGE = 5;

/** A store with stream `s` of `count` events written in commits of 3 (so pages and commits do not line up). */
async function streamOf(ctx: ScenarioContext, count: number, pageSize?: number): Promise<StreamStore> {
  const store = await ctx.createStore(pageSize === undefined ? {} : { pageSize });
  for (let written = 0; written < count; written += 3) {
    await store.append('s', written, testEvents(Math.min(3, count - written), 'e', written + 1));
  }
  return store;
}

async function revisions(store: StreamStore, options: Parameters<StreamStore['read']>[1] = {}, id = 's') {
  return (await collect(store.read(id, options))).map((event) => event.revision);
}

function range(from: number, to: number): number[] {
  const step = from <= to ? 1 : -1;
  return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step);
}

/** Stream reads: directions, starting points, paging edges and maxCount. */
export const readScenarios = [
  scenario('forward-all', 'a forward read returns every event in revision order, as written', async (ctx) => {
    const store = await streamOf(ctx, 7);
    const events = await collect(store.read('s'));
    ctx.assert.deepEqual(essentials(events), expectedEssentials(testEvents(7, 'e')));
    ctx.assert.ok(events.every((event) => event.streamId === 's'));
  }),

  scenario(
    'forward-every-start',
    'a forward read from every revision (0 to head+2) returns from there to the end',
    async (ctx) => {
      const store = await streamOf(ctx, 7);
      ctx.assert.deepEqual(await revisions(store, { from: 0 }), range(1, 7), 'from 0 reads from the start');
      for (let from = 1; from <= 7; from++)
        ctx.assert.deepEqual(await revisions(store, { from }), range(from, 7), `from ${from}`);
      ctx.assert.deepEqual(await revisions(store, { from: 8 }), []);
      ctx.assert.deepEqual(await revisions(store, { from: 9 }), []);
    },
  ),

  scenario(
    'backward-every-start',
    'a backward read from every revision returns from there down to 1; from 0 returns nothing',
    async (ctx) => {
      const store = await streamOf(ctx, 7);
      for (let from = 1; from <= 7; from++) {
        ctx.assert.deepEqual(await revisions(store, { from, direction: 'backward' }), range(from, 1), `from ${from}`);
      }
      ctx.assert.deepEqual(await revisions(store, { from: 0, direction: 'backward' }), []);
    },
    ['backwardRead'],
  ),

  scenario(
    'backward-default-and-past-end',
    'a backward read starts at the end by default and when from lies past the end',
    async (ctx) => {
      const store = await streamOf(ctx, 7);
      const events = await collect(store.read('s', { direction: 'backward' }));
      ctx.assert.deepEqual(essentials(events), expectedEssentials(testEvents(7, 'e')).reverse());
      ctx.assert.deepEqual(await revisions(store, { direction: 'backward', from: 8 }), range(7, 1));
      ctx.assert.deepEqual(await revisions(store, { direction: 'backward', from: 1000 }), range(7, 1));
      ctx.assert.deepEqual(await revisions(store, { direction: 'backward', from: Number.MAX_SAFE_INTEGER }), range(7, 1));
    },
    ['backwardRead'],
  ),

  scenario(
    'page-edges-forward',
    `forward reads of 0, 1, ${PAGE - 1}, ${PAGE}, ${PAGE + 1}, ${2 * PAGE}, ${2 * PAGE + 1} events with pageSize ${PAGE}`,
    async (ctx) => {
      for (const count of [0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 2 * PAGE + 1]) {
        const store = await streamOf(ctx, count, PAGE);
        ctx.assert.deepEqual(await revisions(store), count === 0 ? [] : range(1, count), `${count} events`);
        ctx.assert.deepEqual(
          await revisions(store, { pageSize: 1 }),
          count === 0 ? [] : range(1, count),
          `${count} events, pageSize 1`,
        );
        await store.close();
      }
    },
  ),

  scenario(
    'page-edges-backward',
    `backward reads of 0, 1, ${PAGE - 1}, ${PAGE}, ${PAGE + 1}, ${2 * PAGE}, ${2 * PAGE + 1} events with pageSize ${PAGE}`,
    async (ctx) => {
      for (const count of [0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 2 * PAGE + 1]) {
        const store = await streamOf(ctx, count, PAGE);
        const expected = count === 0 ? [] : range(count, 1);
        ctx.assert.deepEqual(await revisions(store, { direction: 'backward' }), expected, `${count} events`);
        ctx.assert.deepEqual(await revisions(store, { direction: 'backward', pageSize: 1 }), expected, `${count}, pageSize 1`);
        await store.close();
      }
    },
    ['backwardRead'],
  ),

  scenario(
    'page-size-per-read',
    'pageSize given to one read overrides the store default and pages from any start',
    async (ctx) => {
      const store = await streamOf(ctx, 12, 1000);
      for (const pageSize of [1, 2, 3, 5, 11, 12, 13]) {
        ctx.assert.deepEqual(await revisions(store, { pageSize, from: 2 }), range(2, 12), `pageSize ${pageSize}`);
      }
    },
  ),

  scenario(
    'max-count-forward',
    'maxCount 0, 1, some, all and more than available (forward, from several starts)',
    async (ctx) => {
      const store = await streamOf(ctx, 8, 3);
      ctx.assert.deepEqual(await revisions(store, { maxCount: 0 }), []);
      ctx.assert.deepEqual(await revisions(store, { maxCount: 1 }), [1]);
      ctx.assert.deepEqual(await revisions(store, { maxCount: 3 }), [1, 2, 3], 'exactly one page');
      ctx.assert.deepEqual(await revisions(store, { maxCount: 4 }), [1, 2, 3, 4]);
      ctx.assert.deepEqual(await revisions(store, { maxCount: 8 }), range(1, 8));
      ctx.assert.deepEqual(await revisions(store, { maxCount: 100 }), range(1, 8));
      ctx.assert.deepEqual(await revisions(store, { from: 6, maxCount: 2 }), [6, 7]);
      ctx.assert.deepEqual(await revisions(store, { from: 6, maxCount: 5 }), [6, 7, 8]);
    },
  ),

  scenario(
    'max-count-backward',
    'maxCount 0, 1, some and more than available (backward, from the end and from a revision)',
    async (ctx) => {
      const store = await streamOf(ctx, 8, 3);
      const backward = { direction: 'backward' } as const;
      ctx.assert.deepEqual(await revisions(store, { ...backward, maxCount: 0 }), []);
      ctx.assert.deepEqual(await revisions(store, { ...backward, maxCount: 1 }), [8]);
      ctx.assert.deepEqual(await revisions(store, { ...backward, maxCount: 4 }), [8, 7, 6, 5]);
      ctx.assert.deepEqual(await revisions(store, { ...backward, maxCount: 100 }), range(8, 1));
      ctx.assert.deepEqual(await revisions(store, { ...backward, from: 5, maxCount: 2 }), [5, 4]);
      ctx.assert.deepEqual(await revisions(store, { ...backward, from: 3, maxCount: 10 }), [3, 2, 1]);
      ctx.assert.deepEqual(await revisions(store, { ...backward, from: 50, maxCount: 2 }), [8, 7]);
    },
    ['backwardRead'],
  ),

  scenario('missing-stream', 'a missing stream reads nothing in either direction and getStream returns null', async (ctx) => {
    const store = await streamOf(ctx, 2);
    ctx.assert.deepEqual(await revisions(store, {}, 'missing'), []);
    ctx.assert.deepEqual(await revisions(store, { from: 5 }, 'missing'), []);
    if (ctx.capabilities.backwardRead) ctx.assert.deepEqual(await revisions(store, { direction: 'backward' }, 'missing'), []);
    ctx.assert.equal(await store.getStream('missing'), null);
  }),

  scenario('get-stream', "getStream gives the revision, the creation time and the last event's timestamp", async (ctx) => {
    const store = await ctx.createStore();
    const before = Date.now();
    await store.append('s', 'no-stream', testEvents(2, 'a'));
    const first = present(await store.getStream('s'), 'the stream');
    ctx.assert.equal(first.revision, 2);
    ctx.assert.ok(first.createdAt instanceof Date && first.updatedAt instanceof Date, 'times are Dates');
    ctx.assert.ok(Math.abs(first.createdAt.getTime() - before) < 120_000, 'createdAt is about now');
    const lastOf = async () => present((await collect(store.read('s', { direction: 'forward' }))).at(-1), 'the last event');
    ctx.assert.equal(first.updatedAt.getTime(), (await lastOf()).timestamp.getTime(), "updatedAt is the last event's timestamp");
    ctx.assert.ok(Math.abs(first.updatedAt.getTime() - before) < 120_000, 'a default timestamp is about now');
    await store.append('s', 2, testEvents(1, 'b'));
    const second = present(await store.getStream('s'), 'the stream');
    ctx.assert.equal(second.revision, 3);
    ctx.assert.equal(second.createdAt.getTime(), first.createdAt.getTime(), 'createdAt does not move');
    ctx.assert.equal(second.updatedAt.getTime(), (await lastOf()).timestamp.getTime(), 'updatedAt follows the last event');
    // Dated events: updatedAt is the last one's date, even when it is earlier than the one before (LastModified).
    const dated = (id: string, at: number) => ({ id, type: 'TestEvent', data: { tag: id, n: 1 }, timestamp: new Date(at) });
    await store.append('s', 3, [dated('d-1', Date.UTC(2021, 5, 1, 12, 30, 15, 123)), dated('d-2', Date.UTC(2022, 0, 2))]);
    ctx.assert.equal(present(await store.getStream('s'), 'the stream').updatedAt.toISOString(), '2022-01-02T00:00:00.000Z');
    await store.append('s', 5, [dated('d-3', Date.UTC(2020, 6, 7, 8, 9, 10, 11))]);
    const third = present(await store.getStream('s'), 'the stream');
    ctx.assert.equal(third.updatedAt.toISOString(), '2020-07-07T08:09:10.011Z', 'an earlier date is taken as it is');
    ctx.assert.equal(third.createdAt.getTime(), first.createdAt.getTime(), 'createdAt is still the first commit time');
  }),

  scenario('lazy-iteration', 'a read can stop early, and two reads of one stream can be interleaved', async (ctx) => {
    const store = await streamOf(ctx, 10, 2);
    const seen: number[] = [];
    for await (const event of store.read('s')) {
      seen.push(event.revision);
      if (event.revision === 3) break;
    }
    ctx.assert.deepEqual(seen, [1, 2, 3]);
    const a = store.read('s')[Symbol.asyncIterator]();
    const b = store.read('s', { from: 4 })[Symbol.asyncIterator]();
    const pairs: Array<[number | undefined, number | undefined]> = [];
    for (let i = 0; i < 4; i++) pairs.push([(await a.next()).value?.revision, (await b.next()).value?.revision]);
    ctx.assert.deepEqual(pairs, [
      [1, 4],
      [2, 5],
      [3, 6],
      [4, 7],
    ]);
  }),

  scenario(
    'reads-see-later-commits',
    'a read started after a commit sees it; reading never shows a part of a commit',
    async (ctx) => {
      const store = await streamOf(ctx, 3, 2);
      await store.append('s', 3, testEvents(4, 'late'));
      const events = await collect(store.read('s', { from: 3 }));
      ctx.assert.deepEqual(
        events.map((event) => event.id),
        ['e-3', 'late-1', 'late-2', 'late-3', 'late-4'],
      );
    },
  ),
];
