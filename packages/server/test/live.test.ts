/** Live tails over a real socket: from now or a checkpoint, log/category/stream, resumption, limits and slow readers. */
import { connect } from 'node:net';
import type { StreamStore } from '@streamstore/core';
import { type RunningServer, startServer } from '@streamstore/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qs, storeWithData } from './fixtures.js';

let store: StreamStore;
let server: RunningServer;

beforeAll(async () => {
  store = await storeWithData();
  server = await startServer({ store, port: 0, noAuth: true, limits: { maxLiveClients: 5, liveDrainTimeoutMs: 500 } });
});
afterAll(async () => {
  await server.close();
  await store.close();
});

interface Frame {
  event: string;
  id: string;
  data: string;
}

/** Opens a tail and collects its frames until closed. */
async function tail(path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(server.url + path, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  const reading = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame: Frame = { event: '', id: '', data: '' };
        for (const line of buffer.slice(0, end).split('\n')) {
          const [field, ...rest] = line.split(': ');
          if (field === 'event' || field === 'id' || field === 'data') frame[field] = rest.join(': ');
        }
        buffer = buffer.slice(end + 2);
        if (frame.event) frames.push(frame);
        for (const wake of waiters.splice(0)) wake();
      }
    }
  })().catch(() => {});
  const until = async (check: () => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames.map((f) => f.event + f.id))}`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), new Promise((r) => setTimeout(r, 50))]);
    }
  };
  const events = () => frames.filter((frame) => frame.event === 'event').map((frame) => JSON.parse(frame.data));
  return {
    response,
    frames,
    events,
    until,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe('live tails', () => {
  it('delivers an append to a tail of the log within a second', async () => {
    const live = await tail('/api/log/live');
    expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await live.until(() => live.frames.some((frame) => frame.event === 'live'));
    const started = Date.now();
    const { position } = await store.append('live-1', 'no-stream', [{ type: 'Now', data: { at: started } }]);
    await live.until(() => live.events().length === 1, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(live.events()[0]).toMatchObject({ streamId: 'live-1', type: 'Now' });
    expect(live.frames.find((frame) => frame.event === 'event')?.id).toBe(position);
    await live.close();
  });

  it('replays from a checkpoint, and from Last-Event-ID on reconnect', async () => {
    const replay = await tail(`/api/log/live${qs({ after: '5' })}`);
    await replay.until(() => replay.frames.some((frame) => frame.event === 'live'));
    expect(replay.events()[0].position).toBe('6');
    await replay.close();
    const resumed = await tail('/api/log/live', { 'last-event-id': '10' });
    await resumed.until(() => resumed.frames.some((frame) => frame.event === 'live'));
    expect(resumed.events()[0].position).toBe('11');
    await resumed.close();
  });

  it('tails a category and a stream with an awkward id', async () => {
    const category = await tail(`/api/category/live${qs({ name: 'order', after: '0' })}`);
    const id = 'a/b %2F ../ü';
    const stream = await tail(`/api/stream/live${qs({ id })}`);
    await category.until(() => category.frames.some((frame) => frame.event === 'live'));
    await stream.until(() => stream.frames.some((frame) => frame.event === 'live'));
    await store.append(id, 'any', [{ type: 'Odd', data: 1 }]);
    await store.append('order-9', 'no-stream', [{ type: 'OrderPlaced', data: 9 }]);
    await stream.until(() => stream.events().length === 1);
    await category.until(() => category.events().some((event) => event.streamId === 'order-9'));
    expect(category.events().every((event) => event.streamId.startsWith('order-'))).toBe(true);
    expect(stream.events()[0].streamId).toBe(id);
    expect(stream.frames.find((frame) => frame.event === 'event')?.id).toBe('1');
    await category.close();
    await stream.close();
  });

  it('refuses tails beyond the limit with 503', async () => {
    const open = await Promise.all(Array.from({ length: 5 }, () => tail('/api/log/live')));
    const refused = await fetch(`${server.url}/api/log/live`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_LIVE_CLIENTS');
    await Promise.all(open.map((live) => live.close()));
  });

  it('is not stalled by a client that stops reading, and drops it', async () => {
    // A raw client that asks for the whole log and then never reads a byte.
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /api/log/live?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.pause();
    const big = 'x'.repeat(64 * 1024);
    for (let batch = 0; batch < 20; batch++) {
      await store.append(
        `bulk-${batch}`,
        'no-stream',
        Array.from({ length: 10 }, () => ({ type: 'Big', data: { big } })),
      );
    }
    // Meanwhile the server answers others promptly.
    for (let request = 0; request < 10; request++) {
      const started = Date.now();
      const response = await fetch(`${server.url}/api/stream/events${qs({ id: 'order-1' })}`);
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
    }
    // The reader that never drained is disconnected after the drain timeout (500 ms here): once it reads again it
    // only finds what was buffered, then the end (a kept connection would go on streaming the log).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    socket.resume();
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('not dropped')), 5000))]);
    socket.destroy();
  });
});
