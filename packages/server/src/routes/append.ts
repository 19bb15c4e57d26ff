/** Appends with an expected revision, only when the server was started with writes allowed. */
import type { EventData, ExpectedRevision } from '@streamstore/core';
import type { RouteContext } from '../context.js';
import { HttpError } from '../http-error.js';
import { STREAM_ID_SCHEMA } from '../paging.js';
import { ERROR_RESPONSES, type RouteSpec, ref } from '../route-spec.js';

interface AppendBody {
  expectedRevision: ExpectedRevision;
  /** Checked by the route's schema: ids, types, data and a metadata object. */
  events: EventData[];
}

/** Most events one append request may carry (the body limit bounds their size). */
export const MAX_EVENTS_PER_APPEND = 1000;

/** The append route. */
export function appendRoutes(context: RouteContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      url: '/api/stream/events',
      operationId: 'appendToStream',
      summary: 'Appends events atomically if the stream is at the expected revision (needs --allow-writes)',
      tag: 'streams',
      querystring: { type: 'object', properties: { id: STREAM_ID_SCHEMA }, required: ['id'] },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['expectedRevision', 'events'],
        properties: {
          expectedRevision: {
            description: "A revision (0 = no events yet), or 'any', 'no-stream', 'stream-exists'",
            anyOf: [
              { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
              { type: 'string', enum: ['any', 'no-stream', 'stream-exists'] },
            ],
          },
          events: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_EVENTS_PER_APPEND,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'data'],
              properties: {
                id: { type: 'string', minLength: 1, maxLength: 128 },
                type: { type: 'string', minLength: 1, maxLength: 256 },
                data: {},
                metadata: { type: 'object' },
              },
            },
          },
        },
      },
      responses: {
        '201': { description: 'Committed', schema: ref('CommitResult') },
        '403': { description: 'The server does not accept writes', schema: ref('Error') },
        '409': { description: 'The stream is not at the expected revision (or duplicate event ids)', schema: ref('Error') },
        '413': { description: 'The body is too large', schema: ref('Error') },
        '415': { description: 'The body is not JSON', schema: ref('Error') },
        ...ERROR_RESPONSES,
      },
      handler: async (request, reply) => {
        if (!context.allowWrites) {
          throw new HttpError(403, 'WRITES_DISABLED', 'This server is read-only: start it with --allow-writes to append');
        }
        const { id } = request.query as { id: string };
        const body = request.body as AppendBody;
        const result = await context.store.append(id, body.expectedRevision, body.events);
        void reply.status(201);
        return { streamId: id, revision: result.revision, position: result.position ?? null };
      },
    },
  ];
}
