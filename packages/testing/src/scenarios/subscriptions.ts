import {
  ConsumerLockedError,
  memoryCheckpointStore,
  memoryConsumerLock,
  memoryDeadLetterStore,
  type RecordedEvent,
  type StreamStore,
} from '@streamstore/core';
import { applicationEvents, testEvents } from '../support/events.js';
import { callCounter } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('subscriptions');

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `commits` appends of `size` events to each of `streams`, the streams written concurrently. */
async function write(store: StreamStore, streams: string[], commits: number, size: number, tag: string): Promise<void> {
  await Promise.all(
    streams.map(async (streamId) => {
      for (let c = 0; c < commits; c++) {
        await store.append(streamId, 'any', testEvents(size, `${tag}-${streamId}-${c}`));
      }
    }),
  );
}

const ids = (events: ReadonlyArray<{ id: string }>) => events.map((event) => event.id);

/** Catch-up and live subscriptions (DESIGN.md: subscriptions on the global log and on single streams). */
export const subscriptionScenarios = [
  scenario(
    'backlog-then-live',
    'a subscription to all delivers the backlog, then live events from concurrent writers, each exactly once and in position order',
    async (ctx) => {
      const store = await ctx.createStore();
      const streams = ['sub-a', 'sub-b', 'sub-c'];
      await write(store, streams, 4, 5, 'old');
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribe({ to: 'all', batchSize: 7, pollIntervalMs: 10, handler: (e) => void seen.push(e) });
      const live = write(store, [...streams, 'sub-d'], 4, 5, 'new');
      await subscription.caughtUp;
      await live;
      const total = 3 * 20 + 4 * 20;
      await until(() => seen.length >= total, `${total} events were delivered (got ${seen.length})`);
      await subscription.stop();
      ctx.assert.equal(seen.length, total, 'no event delivered twice');
      ctx.assert.equal(new Set(ids(seen)).size, total, 'every event id once');
      const positions = seen.map((event) => BigInt(event.position as string));
      ctx.assert.ok(
        positions.every((p, i) => i === 0 || p > (positions[i - 1] as bigint)),
        'positions strictly increase',
      );
    },
    ['globalOrder'],
  ),
  scenario(
    'checkpoint-restart',
    'a named consumer resumes strictly after its saved checkpoint when restarted',
    async (ctx) => {
      const store = await ctx.createStore();
      const checkpoints = memoryCheckpointStore();
      await write(store, ['ck-1'], 3, 4, 'first');
      const first: RecordedEvent[] = [];
      const one = store.subscribe({
        to: 'all',
        consumer: 'projector',
        checkpoints,
        batchSize: 5,
        handler: (e) => void first.push(e),
      });
      await one.caughtUp;
      await one.stop();
      ctx.assert.equal(first.length, 12);
      ctx.assert.equal(await checkpoints.load('projector'), first[11]?.position, 'checkpoint = last handled position');
      await write(store, ['ck-1', 'ck-2'], 1, 3, 'second');
      const second: RecordedEvent[] = [];
      const two = store.subscribe({ to: 'all', consumer: 'projector', checkpoints, handler: (e) => void second.push(e) });
      await two.caughtUp;
      await until(() => second.length >= 6, 'the new events were delivered');
      await two.stop();
      ctx.assert.deepEqual(
        ids(second).sort(),
        [...ids(testEvents(3, 'second-ck-1-0')), ...ids(testEvents(3, 'second-ck-2-0'))].sort(),
      );
    },
    ['globalOrder'],
  ),
  scenario('stream-live', 'a subscription to one stream delivers its events in revision order, then live ones', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('watched', 'no-stream', testEvents(5, 'w'));
    await store.append('other', 'no-stream', testEvents(2, 'o'));
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribe({ to: { stream: 'watched' }, pollIntervalMs: 10, handler: (e) => void seen.push(e) });
    await subscription.caughtUp;
    await store.append('watched', 5, testEvents(3, 'w', 6));
    await until(() => seen.length >= 8, 'the live events were delivered');
    await subscription.stop();
    ctx.assert.deepEqual(
      seen.map((e) => e.revision),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    ctx.assert.ok(
      seen.every((e) => e.streamId === 'watched'),
      'only the watched stream',
    );
  }),
  scenario(
    'written-elsewhere',
    'with default settings, subscriptions deliver live events appended through another store over the same data (another process)',
    async (ctx) => {
      const writer = await ctx.createStore();
      const reader = await ctx.reopen(writer);
      await writer.append('far', 'no-stream', testEvents(2, 'f'));
      const inStream: RecordedEvent[] = [];
      const inLog: RecordedEvent[] = [];
      const subscriptions = [reader.subscribe({ to: { stream: 'far' }, handler: (e) => void inStream.push(e) })];
      if (ctx.capabilities.globalOrder) {
        subscriptions.push(reader.subscribe({ to: 'all', handler: (e) => void inLog.push(e) }));
      }
      try {
        for (const subscription of subscriptions) await subscription.caughtUp;
        await writer.append('far', 2, testEvents(2, 'f', 3));
        await until(() => inStream.length >= 4, 'the stream subscription got the live events');
        ctx.assert.deepEqual(ids(inStream), ['f-1', 'f-2', 'f-3', 'f-4']);
        if (ctx.capabilities.globalOrder) {
          await until(() => inLog.length >= 4, 'the log subscription got the live events');
          ctx.assert.deepEqual(ids(inLog), ['f-1', 'f-2', 'f-3', 'f-4']);
        }
      } finally {
        for (const subscription of subscriptions) await subscription.stop();
      }
    },
    ['reopen'],
  ),
  scenario(
    'handler-retry',
    'a failing handler is retried, then its event is parked as a dead letter and the rest flows',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('retry', 'no-stream', testEvents(3, 'r'));
      const deadLetters = memoryDeadLetterStore();
      const handled: string[] = [];
      let attempts = 0;
      const subscription = store.subscribe({
        to: { stream: 'retry' },
        consumer: 'fragile',
        deadLetters,
        onError: { attempts: 3, backoffMs: 1, afterRetries: 'dead-letter' },
        handler: (event) => {
          if (event.id === 'r-2') {
            attempts++;
            throw new Error('cannot project r-2');
          }
          handled.push(event.id);
        },
      });
      await subscription.caughtUp;
      await until(() => handled.length >= 2, 'the healthy events were handled');
      await subscription.stop();
      ctx.assert.equal(attempts, 3, 'three attempts');
      ctx.assert.deepEqual(handled, ['r-1', 'r-3']);
      const parked = await deadLetters.list('fragile');
      ctx.assert.deepEqual(
        parked.map((letter) => [letter.eventId, letter.revision, letter.attempts]),
        [['r-2', 2, 3]],
      );
    },
  ),
  scenario(
    'single-instance',
    'a second instance of a running consumer is refused while the first holds the lock',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('locked', 'no-stream', testEvents(2, 'l'));
      const lock = memoryConsumerLock();
      const first = store.subscribe({ to: { stream: 'locked' }, consumer: 'only-one', lock, handler: () => {} });
      await first.caughtUp;
      const second = store.subscribe({ to: { stream: 'locked' }, consumer: 'only-one', lock, handler: () => {} });
      await ctx.assert.rejects(second.done, ConsumerLockedError, { consumer: 'only-one' });
      await first.stop();
      const third = store.subscribe({ to: { stream: 'locked' }, consumer: 'only-one', lock, handler: () => {} });
      await third.caughtUp;
      await third.stop();
    },
  ),
  scenario(
    'stream-deleted',
    'a stream subscriber sees a deleted and re-created stream start again at revision 1',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('phoenix', 'no-stream', testEvents(3, 'old'));
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribe({ to: { stream: 'phoenix' }, pollIntervalMs: 10, handler: (e) => void seen.push(e) });
      await subscription.caughtUp;
      await until(() => seen.length >= 3, 'the first incarnation was delivered');
      await store.deleteStream('phoenix');
      await new Promise((resolve) => setTimeout(resolve, 30));
      await store.append('phoenix', 'no-stream', testEvents(2, 'new'));
      await until(() => seen.length >= 5, 'the re-created stream was delivered');
      await subscription.stop();
      ctx.assert.deepEqual(ids(seen), ['old-1', 'old-2', 'old-3', 'new-1', 'new-2']);
    },
  ),
  scenario(
    'deleted-before-delivery',
    'events of a stream deleted before a consumer reached them are never delivered',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('gone', 'no-stream', testEvents(3, 'gone'));
      await store.append('kept', 'no-stream', testEvents(2, 'kept'));
      await store.deleteStream('gone');
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribe({ to: 'all', handler: (e) => void seen.push(e) });
      await subscription.caughtUp;
      await subscription.stop();
      // Only the delete's own system event (capability streamDeletedEvents) may stand for the deleted stream.
      ctx.assert.deepEqual(ids(applicationEvents(seen)), ['kept-1', 'kept-2']);
      ctx.assert.ok(
        seen.every((event) => event.streamId === 'kept' || (event.streamId === 'gone' && event.revision === 0)),
        'no event of the deleted stream',
      );
    },
    ['globalOrder'],
  ),
  scenario(
    'graceful-stop-mid-page',
    'a consumer stopped in the middle of a page resumes at the first event its handler did not finish (nothing skipped)',
    async (ctx) => {
      const store = await ctx.createStore();
      // In commits the backend accepts (a small Cassandra bucket takes fewer than 50 events at once).
      const events = testEvents(50, 'mp');
      const chunk = Math.min(50, store.limits.maxEventsPerCommit ?? 50);
      for (let start = 0; start < events.length; start += chunk) {
        await store.append('mid-page', start === 0 ? 'no-stream' : start, events.slice(start, start + chunk));
      }
      const targets: Array<{ to: 'all' | { stream: string } | { category: string }; consumer: string }> = [
        { to: { stream: 'mid-page' }, consumer: 'stream-reader' },
      ];
      if (ctx.capabilities.globalOrder) {
        targets.push({ to: 'all', consumer: 'log-reader' }, { to: { category: 'mid' }, consumer: 'category-reader' });
      }
      for (const { to, consumer } of targets) {
        const checkpoints = memoryCheckpointStore();
        const handled: string[] = [];
        for (let round = 0; handled.length < 50 && round < 20; round++) {
          let stopping: Promise<void> | undefined;
          const before = handled.length;
          const subscription = store.subscribe({
            to,
            consumer,
            checkpoints,
            batchSize: 50,
            handler: (event) => {
              handled.push(event.id);
              // Stop after a few events of the page, while the page is still being handled.
              if (handled.length - before === 7) stopping = subscription.stop();
            },
          });
          // A round that handled fewer than 7 events (the end of the stream) stops once caught up.
          await subscription.caughtUp;
          await (stopping ?? subscription.stop());
          await subscription.done;
        }
        ctx.assert.deepEqual(
          [...new Set(handled)],
          ids(testEvents(50, 'mp')),
          `${consumer}: every event handled, in order, none skipped`,
        );
      }
    },
  ),
  scenario(
    'stop-during-fetch-resolves',
    'stop() while a subscription is waiting or fetching resolves done (a requested stop is not an error)',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('quiet', 'no-stream', testEvents(2, 'q'));
      for (let i = 0; i < 5; i++) {
        const subscription = store.subscribe({ to: { stream: 'quiet' }, pollIntervalMs: 1, handler: () => {} });
        await new Promise((resolve) => setTimeout(resolve, i * 3));
        await subscription.stop();
        await subscription.done;
      }
    },
  ),
  scenario(
    'recreated-while-down',
    'a consumer with a stored stream checkpoint delivers the whole new life of a stream deleted and re-created while it was down',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('reborn', 'no-stream', testEvents(5, 'life1'));
      const checkpoints = memoryCheckpointStore();
      const seen: string[] = [];
      const first = store.subscribe({
        to: { stream: 'reborn' },
        consumer: 'c',
        checkpoints,
        handler: (e) => void seen.push(e.id),
      });
      await first.caughtUp;
      await until(() => seen.length >= 5, 'the first life was delivered');
      await first.stop();
      await store.deleteStream('reborn');
      // Creation times tell lives apart to the millisecond.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.append('reborn', 'no-stream', testEvents(15, 'life2'));
      const second = store.subscribe({
        to: { stream: 'reborn' },
        consumer: 'c',
        checkpoints,
        handler: (e) => void seen.push(e.id),
      });
      await second.caughtUp;
      await until(() => seen.length >= 20, 'the second life was delivered', 5_000).catch(() => undefined);
      await second.stop();
      ctx.assert.deepEqual(seen, [...ids(testEvents(5, 'life1')), ...ids(testEvents(15, 'life2'))]);
    },
  ),
  scenario(
    'from-end',
    "a subscription from 'end' delivers only events committed after it started; a storage with headPosition finds the end without paging through the log",
    async (ctx) => {
      const counter = callCounter();
      const store = await ctx.createStore({ wrapStorage: counter.wrap });
      for (let i = 0; i < 6; i++) await store.append(`old-${i}`, 'no-stream', testEvents(500, `old${i}`));
      const before = counter.calls.get('readAll') ?? 0;
      const seen: string[] = [];
      const subscription = store.subscribe({ to: 'all', from: 'end', pollIntervalMs: 5, handler: (e) => void seen.push(e.id) });
      await subscription.caughtUp;
      const pagedToFindEnd = (counter.calls.get('readAll') ?? 0) - before;
      await store.append('live', 'no-stream', testEvents(2, 'live'));
      await until(() => seen.length >= 2, 'the live events were delivered');
      await subscription.stop();
      ctx.assert.deepEqual(seen, ['live-1', 'live-2']);
      if (counter.calls.has('headPosition')) {
        ctx.assert.ok(pagedToFindEnd <= 1, `found the end with headPosition, not by paging (${pagedToFindEnd} readAll calls)`);
      }
    },
    ['globalOrder'],
  ),
];
