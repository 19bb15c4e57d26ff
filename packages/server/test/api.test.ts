/** Every route of the JSON API through Fastify's injector: answers, paging, auth on and off, and bad input. */
import type { StreamStore } from '@streamstore/core';
import { createServer } from '@streamstore/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWKWARD_IDS, fakeConsumers, qs, storeWithData } from './fixtures.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

let store: StreamStore;
let app: FastifyInstance;
let consumers: ReturnType<typeof fakeConsumers>;

beforeAll(async () => {
  store = await storeWithData();
  consumers = fakeConsumers();
  app = await createServer({ store, consumers, token: TOKEN, allowWrites: true, limits: { maxPageSize: 200 } });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

async function get(url: string, headers: Record<string, string> = auth) {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

/** A 4xx with a JSON error body, a code and no stack trace. */
function expectClientError(response: { status: number; body: unknown }, status: number, code?: string) {
  expect(response.status).toBe(status);
  const body = response.body as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  if (code) expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(Object.keys(body)).toEqual(['error']);
}

describe('streams', () => {
  it('lists streams in pages, with a next cursor', async () => {
    const first = await get(`/api/streams${qs({ limit: 5 })}`);
    expect(first.status).toBe(200);
    expect(first.body.streams).toHaveLength(5);
    expect(first.body.next).toBe(first.body.streams[4].streamId);
    const second = await get(`/api/streams${qs({ limit: 200, after: first.body.next })}`);
    const all = [...first.body.streams, ...second.body.streams].map((stream: { streamId: string }) => stream.streamId);
    expect(second.body.next).toBeNull();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['order-1', 'clock-1', ...AWKWARD_IDS]));
  });

  it('filters by prefix, the exact id included', async () => {
    const { body } = await get(`/api/streams${qs({ prefix: 'order-' })}`);
    expect(body.streams.map((stream: { streamId: string }) => stream.streamId)).toEqual(['order-1', 'order-2', 'order-3']);
    const exact = await get(`/api/streams${qs({ prefix: 'order-2' })}`);
    expect(exact.body.streams.map((stream: { streamId: string }) => stream.streamId)).toEqual(['order-2']);
    const paged = await get(`/api/streams${qs({ prefix: 'order-', limit: 2 })}`);
    expect(paged.body.next).toBe('order-2');
    const rest = await get(`/api/streams${qs({ prefix: 'order-', limit: 2, after: 'order-2' })}`);
    expect(rest.body).toMatchObject({ streams: [{ streamId: 'order-3' }], next: null });
  });

  it.each(AWKWARD_IDS)('round-trips the stream id %j through the query string', async (id) => {
    const info = await get(`/api/stream${qs({ id })}`);
    expect(info.status).toBe(200);
    expect(info.body.streamId).toBe(id);
    const events = await get(`/api/stream/events${qs({ id })}`);
    expect(events.body.events[0]).toMatchObject({ streamId: id, revision: 1, data: { id } });
    const one = await get(`/api/stream/event?id=${encodeURIComponent(id)}&revision=1`);
    expect(one.body.streamId).toBe(id);
  });

  it('reads a stream forward and backward in pages', async () => {
    const forward = await get(`/api/stream/events${qs({ id: 'clock-1', limit: 100 })}`);
    expect(forward.body.events.map((event: { revision: number }) => event.revision)).toEqual(
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
    expect(forward.body.next).toBe(101);
    const last = await get(`/api/stream/events${qs({ id: 'clock-1', from: 201, limit: 100 })}`);
    expect(last.body.events).toHaveLength(50);
    expect(last.body.next).toBeNull();
    const backward = await get(`/api/stream/events${qs({ id: 'clock-1', direction: 'backward', limit: 3 })}`);
    expect(backward.body.events.map((event: { revision: number }) => event.revision)).toEqual([250, 249, 248]);
    expect(backward.body.next).toBe(247);
  });

  it('returns one event with its data, metadata and times', async () => {
    const { status, body } = await get(`/api/stream/event${qs({ id: 'order-1', revision: 1 })}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      streamId: 'order-1',
      revision: 1,
      type: 'OrderPlaced',
      data: { order: 1 },
      metadata: { user: 'ann' },
    });
    expect(new Date(body.recordedAt).getTime()).not.toBeNaN();
    expect(body.position).toMatch(/^[0-9]+$/);
  });

  it('answers 404 for unknown streams and revisions', async () => {
    expectClientError(await get(`/api/stream${qs({ id: 'nope' })}`), 404, 'STREAM_NOT_FOUND');
    expectClientError(await get(`/api/stream/events${qs({ id: 'nope' })}`), 404, 'STREAM_NOT_FOUND');
    expectClientError(await get(`/api/stream/event${qs({ id: 'nope', revision: 1 })}`), 404, 'STREAM_NOT_FOUND');
    expectClientError(await get(`/api/stream/event${qs({ id: 'order-1', revision: 9 })}`), 404, 'EVENT_NOT_FOUND');
  });
});

describe('log and categories', () => {
  it('pages through the global log with next and checkpoint', async () => {
    const first = await get(`/api/log${qs({ limit: 4 })}`);
    expect(first.body.events).toHaveLength(4);
    expect(first.body.next).toBe(first.body.events[3].position);
    const second = await get(`/api/log${qs({ limit: 4, after: first.body.next })}`);
    expect(BigInt(second.body.events[0].position)).toBeGreaterThan(BigInt(first.body.next));
    const end = await get(`/api/log${qs({ limit: 200, after: '260' })}`);
    expect(end.body.next).toBeNull();
    expect(end.body.checkpoint).not.toBeNull();
  });

  it("pages through a category's events only", async () => {
    const first = await get(`/api/category/events${qs({ name: 'order', limit: 4 })}`);
    expect(first.body.events.map((event: { streamId: string }) => event.streamId)).toEqual([
      'order-1',
      'order-1',
      'order-2',
      'order-2',
    ]);
    const second = await get(`/api/category/events${qs({ name: 'order', limit: 4, after: first.body.next })}`);
    expect(second.body.events.map((event: { streamId: string }) => event.streamId)).toEqual(['order-3', 'order-3']);
    expect(second.body.next).toBeNull();
  });
});

describe('consumers and dead letters', () => {
  it('lists consumers with checkpoint and lag', async () => {
    const { body } = await get('/api/consumers');
    expect(body.consumers).toEqual([
      expect.objectContaining({ consumer: 'totals', checkpoint: '5', lag: 10 }),
      expect.objectContaining({ consumer: 'per-stream', lag: null }),
    ]);
  });

  it('lists, retries and discards dead letters', async () => {
    const list = await get(`/api/dead-letters${qs({ consumer: 'totals' })}`);
    expect(list.body.deadLetters.map((letter: { id: string }) => letter.id)).toEqual(['1', '2']);
    expect(list.body.total).toBe(2);
    const json = { ...auth, 'content-type': 'application/json' };
    const retry = await app.inject({ method: 'POST', url: '/api/dead-letters/1/retry', headers: json, payload: '{}' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ id: '1', status: 'retried', checkpoint: '0' });
    const again = await app.inject({ method: 'POST', url: '/api/dead-letters/1/retry', headers: json, payload: '{}' });
    expectClientError({ status: again.statusCode, body: again.json() }, 404, 'DEAD_LETTER_NOT_FOUND');
    const refused = await app.inject({ method: 'POST', url: '/api/dead-letters/2/retry', headers: json, payload: '{}' });
    expectClientError({ status: refused.statusCode, body: refused.json() }, 409, 'NOT_RETRYABLE');
    const discard = await app.inject({ method: 'DELETE', url: '/api/dead-letters/2', headers: auth });
    expect(discard.statusCode).toBe(204);
    const gone = await app.inject({ method: 'DELETE', url: '/api/dead-letters/2', headers: auth });
    expectClientError({ status: gone.statusCode, body: gone.json() }, 404);
    const badId = await app.inject({ method: 'DELETE', url: '/api/dead-letters/..%2F1', headers: auth });
    expectClientError({ status: badId.statusCode, body: badId.json() }, 400, 'BAD_REQUEST');
  });

  it('answers 501 where the store keeps no consumer state', async () => {
    const bare = await createServer({ store, token: null });
    const response = await bare.inject({ method: 'GET', url: '/api/consumers', headers: { host: '127.0.0.1' } });
    expect(response.statusCode).toBe(501);
    expect(response.json().error.code).toBe('NOT_SUPPORTED');
    await bare.close();
  });
});

describe('appends', () => {
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json', ...headers }, payload });

  it('appends at the expected revision and refuses a stale one with the actual revision', async () => {
    const body = (expectedRevision: unknown) => JSON.stringify({ expectedRevision, events: [{ type: 'Noted', data: { n: 1 } }] });
    const created = await post(`/api/stream/events${qs({ id: 'notes/1' })}`, body('no-stream'));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ streamId: 'notes/1', revision: 1 });
    expect((await post(`/api/stream/events${qs({ id: 'notes/1' })}`, body(1))).statusCode).toBe(201);
    const stale = await post(`/api/stream/events${qs({ id: 'notes/1' })}`, body(1));
    expectClientError({ status: stale.statusCode, body: stale.json() }, 409, 'STREAM_CONCURRENCY');
    expect(stale.json().error.message).toContain('revision 2');
  });

  it.each([
    ['a negative revision', { expectedRevision: -1, events: [{ type: 'T', data: 1 }] }],
    ['a fractional revision', { expectedRevision: 1.5, events: [{ type: 'T', data: 1 }] }],
    ['a word that is no expectation', { expectedRevision: 'latest', events: [{ type: 'T', data: 1 }] }],
    ['no expectation', { events: [{ type: 'T', data: 1 }] }],
    ['no events', { expectedRevision: 'any', events: [] }],
    ['an event without a type', { expectedRevision: 'any', events: [{ data: 1 }] }],
    ['unknown fields', { expectedRevision: 'any', events: [{ type: 'T', data: 1 }], extra: true }],
  ])('refuses %s with 400', async (_name, payload) => {
    const response = await post(`/api/stream/events${qs({ id: 'notes/2' })}`, JSON.stringify(payload));
    expectClientError({ status: response.statusCode, body: response.json() }, 400);
  });

  it('refuses malformed JSON, other media types and oversized bodies', async () => {
    const url = `/api/stream/events${qs({ id: 'notes/3' })}`;
    const malformed = await post(url, '{"expectedRevision": 0, "events": [');
    expectClientError({ status: malformed.statusCode, body: malformed.json() }, 400, 'BAD_JSON');
    const text = await post(url, 'hello', { 'content-type': 'text/plain' });
    expectClientError({ status: text.statusCode, body: text.json() }, 415);
    const huge = await post(
      url,
      JSON.stringify({ expectedRevision: 'any', events: [{ type: 'T', data: 'x'.repeat(2 * 1024 * 1024) }] }),
    );
    expectClientError({ status: huge.statusCode, body: huge.json() }, 413);
  });

  it('refuses appends with 403 unless writes are allowed', async () => {
    const readOnly = await createServer({ store, token: TOKEN });
    const response = await readOnly.inject({
      method: 'POST',
      url: `/api/stream/events${qs({ id: 'notes/4' })}`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ expectedRevision: 'any', events: [{ type: 'T', data: 1 }] }),
    });
    expectClientError({ status: response.statusCode, body: response.json() }, 403, 'WRITES_DISABLED');
    await readOnly.close();
  });
});

describe('bad query input', () => {
  it.each([
    ['/api/streams?limit=0', 'a zero page size'],
    ['/api/streams?limit=201', 'a page size over the maximum'],
    ['/api/streams?limit=ten', 'a page size that is no number'],
    ['/api/log?after=-1', 'a position that is no position'],
    ['/api/stream/events?id=order-1&direction=sideways', 'an unknown direction'],
    ['/api/stream/events?id=order-1&from=-3', 'a negative revision'],
    ['/api/stream/event?id=order-1&revision=abc', 'a revision that is no number'],
    ['/api/stream/event?id=order-1', 'a missing revision'],
    ['/api/stream', 'a missing id'],
    ['/api/category/events', 'a missing category'],
  ])('%s (%s) is a 400', async (url) => {
    expectClientError(await get(url), 400);
  });

  it('answers unknown routes with a JSON 404', async () => {
    expectClientError(await get('/api/nothing-here'), 404, 'NOT_FOUND');
  });
});

describe('authentication', () => {
  it('requires the bearer token on every /api route', async () => {
    for (const url of ['/api/info', '/api/streams', `/api/stream${qs({ id: 'order-1' })}`, '/api/log', '/api/consumers']) {
      expectClientError(await get(url, {}), 401, 'UNAUTHORIZED');
      expectClientError(await get(url, { authorization: 'Bearer wrong-token-wrong-token' }), 401);
      expectClientError(await get(url, { authorization: TOKEN }), 401);
    }
    const response = await get('/api/info', {});
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('serves the page, its assets and the OpenAPI document without a token', async () => {
    for (const url of ['/', '/stream?id=x', '/log', '/assets/app.js', '/assets/style.css', '/openapi.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('without a token, serves loopback Host headers only (no DNS rebinding)', async () => {
    const open = await createServer({ store, token: null });
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']) {
      expect((await open.inject({ method: 'GET', url: '/api/info', headers: { host } })).statusCode, host).toBe(200);
    }
    const rebound = await open.inject({ method: 'GET', url: '/api/info', headers: { host: 'evil.example:4000' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().error.code).toBe('FORBIDDEN_HOST');
    await open.close();
  });

  it('sends no CORS headers by default, and only to allowed origins when configured', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/info', headers: { ...auth, origin: 'https://evil.example' } });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/info', headers: { origin: 'https://evil.example' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const cors = await createServer({ store, token: TOKEN, corsOrigins: ['https://admin.example'] });
    const allowed = await cors.inject({
      method: 'OPTIONS',
      url: '/api/info',
      headers: { origin: 'https://admin.example', 'access-control-request-method': 'GET' },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example');
    const other = await cors.inject({ method: 'GET', url: '/api/info', headers: { ...auth, origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await cors.close();
  });
});

describe('info', () => {
  it('describes the backend and what the server allows', async () => {
    const { body } = await get('/api/info');
    expect(body).toMatchObject({ backend: 'memory', allowWrites: true, consumers: true, authenticated: true });
    expect(body.capabilities.globalOrder).toBe(true);
  });
});
