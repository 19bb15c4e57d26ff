import type { RecordedEvent, StreamInfo } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import type { LogReader } from '../src/subscriptions/log-reader.js';
import { streamSource } from '../src/subscriptions/stream-source.js';

/** One life of a stream: its creation time and its events' ids, revision 1 first. */
interface Life {
  createdAt: number;
  ids: string[];
}

function recorded(streamId: string, id: string, revision: number): RecordedEvent {
  return {
    id,
    streamId,
    revision,
    type: 'Counted',
    data: {},
    metadata: {},
    timestamp: new Date(0),
    recordedAt: new Date(0),
  } as unknown as RecordedEvent;
}

/**
 * A stream whose lives change at scripted moments: `lives[k]` is what the k-th call (getStream or read) sees, so a
 * test can delete and re-create the stream between the head read and the events read of one fetch.
 */
function scriptedReader(streamId: string, lives: Life[]): LogReader {
  let call = 0;
  const current = () => lives[Math.min(call++, lives.length - 1)] as Life;
  return {
    capabilities: { globalOrder: false },
    async getStream() {
      const life = current();
      return {
        streamId,
        revision: life.ids.length,
        createdAt: new Date(life.createdAt),
        updatedAt: new Date(life.createdAt),
      } as StreamInfo;
    },
    async *read(_id, options) {
      const life = current();
      const from = typeof options.from === 'number' ? options.from : 1;
      const max = options.maxCount ?? Number.POSITIVE_INFINITY;
      for (let revision = from; revision <= life.ids.length && revision < from + max; revision++) {
        yield recorded(streamId, life.ids[revision - 1] as string, revision);
      }
    },
    readAll: () => {
      throw new Error('not used');
    },
    hideRetained: async (page) => [...page],
    decode: () => undefined,
  };
}

const OLD: Life = { createdAt: 1000, ids: ['a1', 'a2', 'a3'] };
const NEW: Life = { createdAt: 2000, ids: ['b1', 'b2', 'b3', 'b4', 'b5'] };
const signal = new AbortController().signal;

describe('a stream subscription`s source when the stream is deleted and written again during one fetch', () => {
  it('never hands out the new life`s events under the old life (which would make the next fetch deliver them again)', async () => {
    // Head read: the old life; events read and every later call: the new life.
    const source = streamSource(scriptedReader('s', [OLD, NEW]), 's', () => () => undefined);
    const delivered: string[] = [];
    let checkpoint: string | undefined = '3@1000#a3';
    for (let i = 0; i < 5; i++) {
      const { events, next } = await source.fetch(checkpoint, 10, signal);
      for (const event of events) {
        delivered.push(event.id);
        checkpoint = source.checkpointOf(event);
      }
      checkpoint = next;
    }
    expect(delivered).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('never starts the new life past revision 1 from a checkpoint without an event id (from: end)', async () => {
    const source = streamSource(scriptedReader('s', [OLD, NEW]), 's', () => () => undefined);
    const delivered: string[] = [];
    let checkpoint: string | undefined = '3@1000';
    for (let i = 0; i < 5; i++) {
      const { events, next } = await source.fetch(checkpoint, 10, signal);
      for (const event of events) delivered.push(event.id);
      checkpoint = next;
    }
    expect(delivered).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
  });
});
