/** The OpenAPI 3.1 document of the API, built from the route descriptions. */
import type { JsonSchema, RouteSpec } from './route-spec.js';

const EVENT: JsonSchema = {
  type: 'object',
  required: ['streamId', 'revision', 'position', 'id', 'type', 'data', 'metadata', 'timestamp', 'recordedAt'],
  properties: {
    streamId: { type: 'string' },
    revision: { type: 'integer', minimum: 1 },
    position: { type: ['string', 'null'], description: 'Global position (null on backends without a global log)' },
    id: { type: 'string' },
    type: { type: 'string' },
    data: { description: 'The event’s data as JSON (binary data as {"$base64": ...})' },
    metadata: { type: 'object' },
    timestamp: { type: 'string', format: 'date-time' },
    recordedAt: { type: 'string', format: 'date-time' },
  },
};

const STREAM: JsonSchema = {
  type: 'object',
  required: ['streamId', 'revision', 'createdAt', 'updatedAt'],
  properties: {
    streamId: { type: 'string' },
    revision: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (name: string) => ({ type: 'array', items: ref(name) });

const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  Event: EVENT,
  Stream: STREAM,
  StreamPage: {
    type: 'object',
    properties: {
      streams: arrayOf('Stream'),
      next: { type: ['string', 'null'], description: 'Pass as `after` for the next page' },
    },
  },
  StreamEventPage: {
    type: 'object',
    properties: {
      streamId: { type: 'string' },
      direction: { type: 'string', enum: ['forward', 'backward'] },
      events: arrayOf('Event'),
      next: { type: ['integer', 'null'], description: 'Pass as `from` for the next page' },
    },
  },
  LogPage: {
    type: 'object',
    properties: {
      events: arrayOf('Event'),
      next: { type: ['string', 'null'], description: 'Pass as `after` for the next page; null at the end' },
      checkpoint: { type: ['string', 'null'], description: 'Where a live tail resumes' },
    },
  },
  CommitResult: {
    type: 'object',
    properties: { streamId: { type: 'string' }, revision: { type: 'integer' }, position: { type: ['string', 'null'] } },
  },
  Consumer: {
    type: 'object',
    properties: {
      consumer: { type: 'string' },
      checkpoint: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
      lag: { type: ['integer', 'null'], description: 'Events of the global log after the checkpoint' },
    },
  },
  ConsumerList: { type: 'object', properties: { consumers: arrayOf('Consumer') } },
  DeadLetter: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      consumer: { type: 'string' },
      streamId: { type: 'string' },
      revision: { type: 'integer' },
      position: { type: ['string', 'null'] },
      eventId: { type: 'string' },
      type: { type: 'string' },
      error: { type: 'string' },
      attempts: { type: 'integer' },
      failedAt: { type: 'string', format: 'date-time' },
    },
  },
  DeadLetterList: { type: 'object', properties: { deadLetters: arrayOf('DeadLetter'), total: { type: 'integer' } } },
  RetryResult: {
    type: 'object',
    properties: { id: { type: 'string' }, status: { const: 'retried' }, checkpoint: { type: ['string', 'null'] } },
  },
  Info: { type: 'object', additionalProperties: true },
};

/** Fastify's `:name` path parameters in OpenAPI's `{name}` form. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, '{$1}');
}

function parameters(spec: RouteSpec) {
  const list: unknown[] = [];
  for (const [where, schema] of [
    ['query', spec.querystring],
    ['path', spec.params],
  ] as const) {
    if (!schema) continue;
    for (const [name, property] of Object.entries(schema.properties)) {
      const { description, ...rest } = property as { description?: string };
      list.push({
        name,
        in: where,
        required: where === 'path' || (schema.required ?? []).includes(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  }
  return list;
}

/** The document for `routes`, served at /openapi.json. */
export function openApiDocument(routes: readonly RouteSpec[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const operations = paths[openApiPath(spec.url)] ?? {};
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
          : response.contentType
            ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
            : {}),
      };
    }
    operations[spec.method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      responses,
    };
    paths[openApiPath(spec.url)] = operations;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'StreamStore server',
      version,
      description:
        'Read streams, the global log and categories, follow them live, watch consumers and manage dead letters. ' +
        'Stream ids travel in query strings (`?id=`), percent-encoded, so any id round-trips.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: { schemas: SCHEMAS, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
