import { type RecordedEvent, STREAM_DELETED_EVENT_TYPE, type StreamStore } from '@streamstore/core';
import type { Requirement } from '../scenario.js';
import { collect, testEvents } from '../support/events.js';
import { projectLiveAndRebuilt, sortedEntries } from '../support/projection-replay.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('delete-events');

const REQUIRES: Requirement[] = ['globalOrder', 'streamDeletedEvents'];

/** `stream:revision:id` of an application event, `stream:revision:$streamDeleted` of a delete's. */
function describe(event: RecordedEvent): string {
  return `${event.streamId}:${event.revision}:${event.type === STREAM_DELETED_EVENT_TYPE ? event.type : event.id}`;
}

const isDelete = (event: RecordedEvent) => event.type === STREAM_DELETED_EVENT_TYPE;

/** Event count per stream, as a projection keeps it: a delete drops the stream (it may be re-created). */
function project(counts: Map<string, number>, event: RecordedEvent): void {
  if (isDelete(event)) counts.delete((event.data as { streamId: string }).streamId);
  else counts.set(event.streamId, (counts.get(event.streamId) ?? 0) + 1);
}

/** A delete's event reaches the log's consumers (capability `streamDeletedEvents`): in order, in its category. */
export const deleteEventScenarios = [
  scenario(
    'in-log-order',
    'a delete appends $streamDeleted to readAll and readCategory, after the stream`s events and before a re-created stream`s',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('order-1', 'no-stream', testEvents(2, 'a'));
      await store.append('stock-1', 'no-stream', testEvents(1, 's'));
      ctx.assert.equal(await store.deleteStream('order-1'), true);
      await store.append('order-1', 'no-stream', testEvents(1, 'b'));
      await store.append('order-2', 'no-stream', testEvents(1, 'c'));
      const all = await collect(store.readAll());
      ctx.assert.deepEqual(all.map(describe), ['stock-1:1:s-1', 'order-1:0:$streamDeleted', 'order-1:1:b-1', 'order-2:1:c-1']);
      const deleted = all[1] as RecordedEvent;
      ctx.assert.deepEqual(deleted.data, { streamId: 'order-1', revision: 2, hard: false });
      ctx.assert.equal(typeof deleted.position, 'string');
      ctx.assert.deepEqual((await collect(store.readCategory('order'))).map(describe), [
        'order-1:0:$streamDeleted',
        'order-1:1:b-1',
        'order-2:1:c-1',
      ]);
      ctx.assert.deepEqual(
        (await collect(store.read('order-1'))).map(describe),
        ['order-1:1:b-1'],
        'plain stream reads never return it',
      );
      ctx.assert.equal((await store.getStream('order-1'))?.revision, 1, 'it occupies no revision');
      if (ctx.capabilities.backwardRead) {
        ctx.assert.deepEqual(
          (await collect(store.readAll({ direction: 'backward' }))).map(describe),
          all.map(describe).reverse(),
        );
        ctx.assert.deepEqual((await collect(store.readCategory('order', { direction: 'backward' }))).map(describe), [
          'order-2:1:c-1',
          'order-1:1:b-1',
          'order-1:0:$streamDeleted',
        ]);
      }
      // Resuming after the delete's position continues with the re-created stream.
      ctx.assert.deepEqual((await collect(store.readAll({ from: deleted.position as string }))).map(describe), [
        'order-1:1:b-1',
        'order-2:1:c-1',
      ]);
    },
    REQUIRES,
  ),

  scenario(
    'many-lives',
    'each delete over a stream`s lives appends its own $streamDeleted (distinct ids), and every life restarts at revision 1',
    async (ctx) => {
      const store = await ctx.createStore();
      for (let life = 1; life <= 4; life++) {
        const result = await store.append('cart-1', 'no-stream', testEvents(life, `life${life}`));
        ctx.assert.equal(result.revision, life);
        ctx.assert.equal(await store.deleteStream('cart-1', { expected: life }), true);
      }
      const deletes = (await collect(store.readAll())).filter(isDelete);
      ctx.assert.deepEqual(
        deletes.map((event) => event.data),
        [1, 2, 3, 4].map((revision) => ({ streamId: 'cart-1', revision, hard: false })),
      );
      ctx.assert.equal(new Set(deletes.map((event) => event.id)).size, 4, 'distinct event ids');
      ctx.assert.ok(
        deletes.every((event) => event.streamId === 'cart-1' && event.revision === 0),
        'each under the stream, at revision 0',
      );
      // An idempotent delete (nothing there) appends nothing.
      ctx.assert.equal(await store.deleteStream('cart-1'), false);
      ctx.assert.equal(await store.deleteStream('never-1'), false);
      ctx.assert.equal((await collect(store.readAll())).filter(isDelete).length, 4);
    },
    REQUIRES,
  ),

  scenario(
    'hard',
    'a hard delete appends $streamDeleted with hard: true once; deleting the tombstone again appends nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('order-1', 'no-stream', testEvents(3, 'a'));
      await store.deleteStream('order-1', { hard: true });
      await store.deleteStream('order-1', { hard: true });
      await store.deleteStream('order-1');
      await store.deleteStream('order-7', { hard: true });
      ctx.assert.deepEqual(
        (await collect(store.readCategory('order'))).map((event) => [describe(event), event.data]),
        [
          ['order-1:0:$streamDeleted', { streamId: 'order-1', revision: 3, hard: true }],
          ['order-7:0:$streamDeleted', { streamId: 'order-7', revision: 0, hard: true }],
        ],
      );
    },
    [...REQUIRES, 'tombstones'],
  ),

  scenario(
    'projection',
    'a projection fed by subscriptions (all, and a category) that drops a stream on $streamDeleted ends equal to one rebuilt with readAll',
    async (ctx) => {
      const store = await ctx.createStore();
      const { live, category, rebuilt } = await projectLiveAndRebuilt(store, 'proj', project, () =>
        script(store, ctx.capabilities.tombstones === true),
      );
      const sorted = sortedEntries<number>;
      ctx.assert.deepEqual(sorted(live), sorted(rebuilt), 'live projection equals the rebuilt one');
      ctx.assert.deepEqual(
        sorted(category),
        sorted(rebuilt).filter(([id]) => id.startsWith('proj-')),
        'the category projection equals the rebuilt one, restricted to the category',
      );
      for (const [streamId, count] of rebuilt) ctx.assert.equal((await store.getStream(streamId))?.revision, count, streamId);
      ctx.assert.deepEqual(sorted(rebuilt), [
        ['other-1', 3],
        ['proj-1', 2],
        ['proj-3', 1],
      ]);
    },
    REQUIRES,
  ),
];

/** Appends, deletes and re-creations the projection scenario feeds its subscriptions with. */
async function script(store: StreamStore, tombstones: boolean): Promise<void> {
  await store.append('proj-1', 'no-stream', testEvents(3, 'p1a'));
  await store.append('proj-2', 'no-stream', testEvents(2, 'p2a'));
  await store.append('other-1', 'no-stream', testEvents(1, 'o1'));
  await store.deleteStream('proj-1');
  await store.append('proj-1', 'no-stream', testEvents(1, 'p1b'));
  await store.append('other-1', 1, testEvents(2, 'o1', 2));
  await store.deleteStream('proj-2', tombstones ? { hard: true } : {});
  await store.append('proj-3', 'no-stream', testEvents(1, 'p3'));
  await store.append('proj-1', 1, testEvents(1, 'p1b', 2));
  await store.deleteStream('proj-9');
}
