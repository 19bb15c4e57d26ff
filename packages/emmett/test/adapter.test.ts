import { randomUUID } from 'node:crypto';
import { type Event, type ReadEvent, STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { DuplicateEventError } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { memoryAdapter } from './support/backends.js';

type Noted = Event<'Noted', { text: string }, { messageId?: string; tenant?: string }>;

describe('adapter specifics', () => {
  it('a message id set by the application is the event id: a retried append is recognised, not doubled', async () => {
    const { eventStore, close } = await memoryAdapter();
    const id = `notes-${randomUUID()}`;
    const events: Noted[] = [{ type: 'Noted', data: { text: 'a' }, metadata: { messageId: 'cmd-1/0', tenant: 't1' } }];
    const first = await eventStore.appendToStream(id, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
    const retry = await eventStore.appendToStream(id, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
    expect(retry.nextExpectedStreamVersion).toBe(first.nextExpectedStreamVersion);
    const read = await eventStore.readStream<Noted>(id);
    expect(read.events).toHaveLength(1);
    expect(read.events[0]?.metadata).toMatchObject({ messageId: 'cmd-1/0', tenant: 't1', streamPosition: 1n });
    // The same id with other content is not a retry.
    const changed: Noted[] = [{ type: 'Noted', data: { text: 'b' }, metadata: { messageId: 'cmd-1/0' } }];
    await expect(eventStore.appendToStream(id, changed)).rejects.toBeInstanceOf(DuplicateEventError);
    await close?.();
  });

  it('onAfterCommit gets the recorded messages once per commit', async () => {
    const seen: ReadEvent[][] = [];
    const { eventStore, close } = await memoryAdapter({ hooks: { onAfterCommit: (messages) => void seen.push(messages) } });
    const id = `notes-${randomUUID()}`;
    await eventStore.appendToStream(id, [{ type: 'Noted', data: { text: 'a' } }]);
    await eventStore.appendToStream(id, [
      { type: 'Noted', data: { text: 'b' } },
      { type: 'Noted', data: { text: 'c' } },
    ]);
    expect(seen.map((batch) => batch.map((message) => message.metadata.streamPosition))).toEqual([[1n], [2n, 3n]]);
    const stored = (await eventStore.readStream(id)).events.map((event) => event.metadata.messageId);
    expect(seen.flat().map((message) => message.metadata.messageId)).toEqual(stored);
    await close?.();
  });

  it('a failing onAfterCommit does not fail the append (as in Emmett)', async () => {
    const { eventStore, close } = await memoryAdapter({
      hooks: {
        onAfterCommit: () => {
          throw new Error('hook failed');
        },
      },
    });
    const error = console.error;
    console.error = () => {};
    try {
      const result = await eventStore.appendToStream(`notes-${randomUUID()}`, [{ type: 'Noted', data: { text: 'a' } }]);
      expect(result.nextExpectedStreamVersion).toBe(1n);
    } finally {
      console.error = error;
    }
    await close?.();
  });

  it("a bounded read reports the stream's head; aggregateStream the version its state stands for", async () => {
    const { eventStore, close } = await memoryAdapter();
    const id = `notes-${randomUUID()}`;
    await eventStore.appendToStream(
      id,
      ['a', 'b', 'c'].map((text) => ({ type: 'Noted', data: { text } })),
    );
    expect((await eventStore.readStream(id, { to: 1n })).currentStreamVersion).toBe(3n);
    expect((await eventStore.readStream(id, { from: 9n })).currentStreamVersion).toBe(3n);
    const partial = await eventStore.aggregateStream<string, Noted>(id, {
      initialState: () => '',
      evolve: (text: string, event: Noted) => text + event.data.text,
      read: { to: 2n },
    });
    expect(partial).toMatchObject({ state: 'ab', currentStreamVersion: 2n, streamExists: true });
    await close?.();
  });

  it('global positions come through where the backend has them', async () => {
    const { eventStore, close } = await memoryAdapter();
    const id = `notes-${randomUUID()}`;
    const result = await eventStore.appendToStream(id, [{ type: 'Noted', data: { text: 'a' } }]);
    const [event] = (await eventStore.readStream(id)).events;
    expect(typeof result.lastEventGlobalPosition).toBe('bigint');
    expect(event?.metadata.globalPosition).toBe(result.lastEventGlobalPosition);
    await close?.();
  });

  it('an empty append checks the expectation and writes nothing', async () => {
    const { eventStore, close } = await memoryAdapter();
    const id = `notes-${randomUUID()}`;
    expect(await eventStore.appendToStream(id, [], { expectedStreamVersion: STREAM_DOES_NOT_EXIST })).toMatchObject({
      nextExpectedStreamVersion: 0n,
      createdNewStream: false,
    });
    await expect(eventStore.appendToStream(id, [], { expectedStreamVersion: 3n })).rejects.toMatchObject({ current: '0' });
    await close?.();
  });
});
