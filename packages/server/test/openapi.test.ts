/**
 * The OpenAPI document: every documented operation exists, the routes the API promises are documented, every
 * reference resolves, and real responses validate against the documented schemas.
 */
import type { StreamStore } from '@streamstore/core';
import { createServer } from '@streamstore/server';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeConsumers, storeWithData } from './fixtures.js';

// ajv-formats is CommonJS: under NodeNext its function may sit on the default export's `default`.
type AddFormats = (ajv: Ajv) => unknown;
const formatsModule = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsModule.default ?? formatsModule;

interface Operation {
  operationId: string;
  parameters: Array<{ name: string; in: string; schema: unknown }>;
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let store: StreamStore;
let app: FastifyInstance;
let document: Document;

beforeAll(async () => {
  store = await storeWithData();
  app = await createServer({ store, consumers: fakeConsumers(), token: null, allowWrites: true });
  document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const PROMISED = [
  'get /api/info',
  'get /api/streams',
  'get /api/stream',
  'get /api/stream/events',
  'post /api/stream/events',
  'get /api/stream/event',
  'get /api/log',
  'get /api/category/events',
  'get /api/log/live',
  'get /api/category/live',
  'get /api/stream/live',
  'get /api/consumers',
  'get /api/dead-letters',
  'post /api/dead-letters/{id}/retry',
  'delete /api/dead-letters/{id}',
];

function operations(): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => [method, path, operation] as [string, string, Operation]),
  );
}

describe('openapi.json', () => {
  it('is OpenAPI 3.1 and documents exactly the promised operations', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(
      operations()
        .map(([method, path]) => `${method} ${path}`)
        .sort(),
    ).toEqual([...PROMISED].sort());
  });

  it('documents only routes the server has, each with unique ids and a 401', () => {
    const ids = new Set<string>();
    for (const [method, path, operation] of operations()) {
      const url = path.replace(/\{([A-Za-z]+)\}/g, ':$1');
      expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${path}`).toBe(true);
      expect(ids.has(operation.operationId)).toBe(false);
      ids.add(operation.operationId);
      expect(operation.responses['401'], `${method} ${path}`).toBeDefined();
    }
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(document).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs)
      expect(document.components.schemas[ref.slice('"#/components/schemas/'.length, -1)], ref).toBeDefined();
  });

  it('describes the real responses', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    }
    const calls: Array<[string, string, string, string?]> = [
      ['get', '/api/streams', '/api/streams?limit=3'],
      ['get', '/api/stream', '/api/stream?id=order-1'],
      ['get', '/api/stream/events', '/api/stream/events?id=order-1'],
      ['get', '/api/stream/event', '/api/stream/event?id=order-1&revision=2'],
      ['get', '/api/log', '/api/log?limit=5'],
      ['get', '/api/category/events', '/api/category/events?name=order'],
      ['get', '/api/consumers', '/api/consumers'],
      ['get', '/api/dead-letters', '/api/dead-letters'],
      [
        'post',
        '/api/stream/events',
        '/api/stream/events?id=doc-1',
        JSON.stringify({ expectedRevision: 0, events: [{ type: 'T', data: {} }] }),
      ],
      ['get', '/api/stream', '/api/stream?id=missing'],
    ];
    for (const [method, path, url, payload] of calls) {
      const response = await app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: { host: '127.0.0.1', ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { payload } : {}),
      });
      const documented = document.paths[path]?.[method]?.responses[String(response.statusCode)];
      expect(documented, `${method} ${url} answered ${response.statusCode}`).toBeDefined();
      const schema = documented?.content?.['application/json']?.schema;
      if (!schema) continue;
      const valid = ajv.validate(schema, response.json());
      expect(valid, `${method} ${url}: ${ajv.errorsText()}`).toBe(true);
    }
  });
});
