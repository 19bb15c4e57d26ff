import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('list-streams');

const IDS = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'foxtrot', 'golf'];
const SORTED = [...IDS].sort();

/** Stream listing (capability `listStreams`): ordered by id, paged, resumable. */
export const listStreamScenarios = [
  scenario(
    'ordered',
    'listStreams returns every stream ordered by id, with its revision and times',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.listStreams()), [], 'an empty store lists nothing');
      for (const [i, id] of IDS.entries()) await store.append(id, 'no-stream', testEvents(i + 1));
      const listed = await collect(store.listStreams());
      ctx.assert.deepEqual(
        listed.map((s) => s.streamId),
        SORTED,
      );
      for (const stream of listed) {
        ctx.assert.equal(stream.revision, IDS.indexOf(stream.streamId) + 1);
        ctx.assert.ok(stream.createdAt instanceof Date && stream.updatedAt instanceof Date);
      }
    },
    ['listStreams'],
  ),

  scenario(
    'paging',
    'listStreams pages (pageSize 1, 2, 3, 7, 8), resumes after an id and honours maxCount',
    async (ctx) => {
      const store = await ctx.createStore();
      for (const id of IDS) await store.append(id, 'no-stream', testEvents(1));
      for (const pageSize of [1, 2, 3, 7, 8]) {
        ctx.assert.deepEqual(
          (await collect(store.listStreams({ pageSize }))).map((s) => s.streamId),
          SORTED,
          `pageSize ${pageSize}`,
        );
      }
      ctx.assert.deepEqual(
        (await collect(store.listStreams({ after: 'charlie', pageSize: 2 }))).map((s) => s.streamId),
        SORTED.slice(3),
      );
      ctx.assert.deepEqual(
        (await collect(store.listStreams({ after: 'cat' }))).map((s) => s.streamId),
        SORTED.slice(2),
        'after an id that is not a stream',
      );
      ctx.assert.deepEqual(await collect(store.listStreams({ after: 'zulu' })), []);
      ctx.assert.deepEqual(
        (await collect(store.listStreams({ maxCount: 3, pageSize: 2 }))).map((s) => s.streamId),
        SORTED.slice(0, 3),
      );
      ctx.assert.deepEqual(await collect(store.listStreams({ maxCount: 0 })), []);
    },
    ['listStreams'],
  ),
];
