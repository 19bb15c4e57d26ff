/** What the hostile-input scenarios share: the canary stream's id, their event shape and read-back assertions. */
import type { EventData, StreamStore } from '@streamstore/core';
import { expectAccepted } from '../model/hostile-checks.js';
import { essentialsOf, show } from '../model/observe.js';
import type { ScenarioContext } from '../scenario.js';
import { applicationEvents, collect } from '../support/events.js';

/** A stream id the checks use for themselves; hostile ids that equal it are left out. */
export const CANARY = 'canary';

/** An event of type Hostile with the given id and data, as the hostile scenarios write them. */
export const hostileEvent = (id: string, data: unknown): EventData & { id: string } => ({
  id,
  type: 'Hostile',
  data: data as EventData['data'],
});

/** The distinct values, sorted. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Reads the stream and asserts it holds exactly `expected` (revision, id, type, data, metadata, streamId). */
export async function expectStream(
  ctx: ScenarioContext,
  store: StreamStore,
  streamId: string,
  expected: EventData[],
): Promise<void> {
  const events = await expectAccepted(ctx, `reading ${show(streamId)}`, () => collect(store.read(streamId)));
  ctx.assert.deepEqual(
    essentialsOf(events),
    expected.map((event, i) => ({
      streamId,
      revision: i + 1,
      id: event.id,
      type: event.type as string,
      data: event.data,
      metadata: event.metadata ?? {},
    })),
    `stream ${show(streamId)} round-trips exactly`,
  );
}

/** Asserts listStreams and readAll (where supported) show exactly these streams and events, nothing else. */
export async function expectOnly(ctx: ScenarioContext, store: StreamStore, streams: Map<string, EventData[]>): Promise<void> {
  if (store.capabilities.listStreams) {
    const listed = (await collect(store.listStreams())).map((summary) => summary.streamId);
    ctx.assert.equal(listed.length, streams.size, 'listStreams lists each stream once');
    ctx.assert.deepEqual(sortedUnique(listed), sortedUnique(streams.keys()), 'listStreams shows exactly the written streams');
  }
  if (store.capabilities.globalOrder) {
    // Deletes leave their system events (capability streamDeletedEvents): the written events are the subject here.
    const logged = applicationEvents(await collect(store.readAll()))
      .map((event) => `${event.streamId}\u0000${event.id}`)
      .sort();
    const expected = [...streams].flatMap(([streamId, events]) => events.map((event) => `${streamId}\u0000${event.id}`)).sort();
    ctx.assert.deepEqual(logged, expected, 'readAll shows exactly the written events');
  }
}
