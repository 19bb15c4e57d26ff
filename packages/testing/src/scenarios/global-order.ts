import { comparePositions, type RecordedEvent, ValidationError } from '@streamstore/core';
import { present } from '../support/assertions.js';
import { collect, nextTick, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('global-order');

function assertIncreasing(positions: Array<string | undefined>): boolean {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1] as string, positions[i] as string) >= 0) return false;
  }
  return true;
}

const label = (event: RecordedEvent) => `${event.streamId}:${event.revision}`;

/** The global log (capability `globalOrder`): positions, commit order, checkpoints and paging. */
export const globalOrderScenarios = [
  scenario(
    'head-position',
    'headPosition is undefined for an empty log, then the position of the last commit; reading after it yields only later commits',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.equal(await store.headPosition(), undefined, 'an empty log has no head');
      await store.append('h-1', 'no-stream', testEvents(3, 'h1'));
      const { position } = await store.append('h-2', 'no-stream', testEvents(2, 'h2'));
      const head = await store.headPosition();
      ctx.assert.equal(head, position, "the head is the last commit's position");
      ctx.assert.deepEqual(await collect(store.readAll({ from: head as string })), [], 'nothing after the head');
      await store.append('h-3', 'no-stream', testEvents(1, 'h3'));
      ctx.assert.deepEqual(
        (await collect(store.readAll({ from: head as string }))).map((event) => event.id),
        ['h3-1'],
        'a later commit comes after the head',
      );
      await store.deleteStream('h-3');
      const afterDelete = await store.headPosition();
      ctx.assert.ok(afterDelete !== undefined && comparePositions(afterDelete, head as string) >= 0, 'the head never goes back');
    },
    ['globalOrder'],
  ),
  scenario(
    'commit-order',
    'readAll returns every event in commit order across streams, with strictly increasing positions',
    async (ctx) => {
      const store = await ctx.createStore();
      const commits: Array<[string, number]> = [
        ['a', 2],
        ['b', 1],
        ['a', 3],
        ['c', 2],
        ['b', 2],
      ];
      const expected: string[] = [];
      const heads = new Map<string, number>();
      for (const [stream, count] of commits) {
        const head = heads.get(stream) ?? 0;
        await store.append(stream, head, testEvents(count, stream, head + 1));
        for (let i = 1; i <= count; i++) expected.push(`${stream}:${head + i}`);
        heads.set(stream, head + count);
      }
      const all = await collect(store.readAll());
      ctx.assert.deepEqual(all.map(label), expected);
      ctx.assert.ok(
        all.every((event) => typeof event.position === 'string' && /^(0|[1-9][0-9]*)$/.test(event.position)),
        'positions are decimal strings',
      );
      ctx.assert.ok(assertIncreasing(all.map((event) => event.position)), 'positions strictly increase');
    },
    ['globalOrder'],
  ),

  scenario(
    'positions-match-commits',
    'the position a commit returns is that of its last event, and stream reads carry the same positions',
    async (ctx) => {
      const store = await ctx.createStore();
      const first = await store.append('a', 'no-stream', testEvents(3, 'a'));
      const second = await store.append('b', 'no-stream', testEvents(1, 'b'));
      const later = comparePositions(present(first.position, 'position 1'), present(second.position, 'position 2'));
      ctx.assert.ok(later < 0, 'a later commit has a later position');
      const streamEvents = await collect(store.read('a'));
      ctx.assert.equal(streamEvents.at(-1)?.position, first.position);
      const all = await collect(store.readAll());
      ctx.assert.deepEqual(
        all.filter((event) => event.streamId === 'a').map((event) => event.position),
        streamEvents.map((event) => event.position),
      );
    },
    ['globalOrder'],
  ),

  scenario(
    'checkpoint-resume',
    'readAll from a checkpoint resumes strictly after it, from every checkpoint',
    async (ctx) => {
      const store = await ctx.createStore();
      for (let i = 0; i < 4; i++) await store.append(`s${i % 2}`, 'any', testEvents(2, `c${i}`));
      const all = await collect(store.readAll());
      ctx.assert.equal(all.length, 8);
      for (let i = 0; i < all.length; i++) {
        const rest = await collect(store.readAll({ from: all[i]?.position }));
        ctx.assert.deepEqual(rest.map(label), all.slice(i + 1).map(label), `after event ${i}`);
      }
      const tail = all.at(-1)?.position;
      ctx.assert.deepEqual(await collect(store.readAll({ from: present(tail, 'last position') })), []);
      await store.append('late', 'no-stream', testEvents(1, 'late'));
      ctx.assert.deepEqual(
        (await collect(store.readAll({ from: present(tail, 'last position') }))).map(label),
        ['late:1'],
        'a tailing reader sees the new commit',
      );
    },
    ['globalOrder'],
  ),

  scenario(
    'paging',
    'readAll pages (pageSize 1, 2, 3, 7, 8, 9) and maxCount give the same order as one big read',
    async (ctx) => {
      const store = await ctx.createStore({ pageSize: 1000 });
      for (let i = 0; i < 4; i++) await store.append(`s${i}`, 'no-stream', testEvents(2, `p${i}`));
      const all = (await collect(store.readAll())).map(label);
      ctx.assert.equal(all.length, 8);
      for (const pageSize of [1, 2, 3, 7, 8, 9]) {
        ctx.assert.deepEqual((await collect(store.readAll({ pageSize }))).map(label), all, `pageSize ${pageSize}`);
      }
      ctx.assert.deepEqual(await collect(store.readAll({ maxCount: 0 })), []);
      ctx.assert.deepEqual((await collect(store.readAll({ maxCount: 3, pageSize: 2 }))).map(label), all.slice(0, 3));
      ctx.assert.deepEqual((await collect(store.readAll({ maxCount: 100, pageSize: 3 }))).map(label), all);
    },
    ['globalOrder'],
  ),

  scenario(
    'empty-log',
    'readAll of an empty store returns nothing; a malformed checkpoint is a ValidationError',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.readAll()), []);
      for (const from of ['abc', '-1', '1.5', '', ' 1']) {
        await ctx.assert.rejects(collect(store.readAll({ from })), ValidationError, { code: 'VALIDATION' });
      }
    },
    ['globalOrder'],
  ),

  scenario(
    'concurrent-writers',
    'under concurrent writers the global log holds every event once, each stream in revision order',
    async (ctx) => {
      const store = await ctx.createStore();
      const writers = 8;
      const commits = 5;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let c = 0; c < commits; c++) {
            await store.append(`w${w}`, c * 2, testEvents(2, `w${w}c${c}`));
            await nextTick();
          }
        }),
      );
      const all = await collect(store.readAll({ pageSize: 7 }));
      ctx.assert.equal(all.length, writers * commits * 2);
      ctx.assert.equal(new Set(all.map(label)).size, all.length, 'no event twice');
      ctx.assert.ok(assertIncreasing(all.map((event) => event.position)), 'positions strictly increase');
      for (let w = 0; w < writers; w++) {
        const revisions = all.filter((event) => event.streamId === `w${w}`).map((event) => event.revision);
        ctx.assert.deepEqual(
          revisions,
          Array.from({ length: commits * 2 }, (_, i) => i + 1),
          `stream w${w} in order`,
        );
      }
    },
    ['globalOrder'],
  ),
];
