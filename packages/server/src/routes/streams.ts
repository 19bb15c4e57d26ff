/** Streams: the list (paged, by prefix), one stream's head, its events both ways (paged), one event. */
import type { StreamSummary } from '@streamstore/core';
import type { RouteContext } from '../context.js';
import { eventJson, streamJson } from '../event-json.js';
import { HttpError } from '../http-error.js';
import { limitSchema, REVISION_SCHEMA, STREAM_ID_SCHEMA } from '../paging.js';
import { ERROR_RESPONSES, type RouteSpec, ref } from '../route-spec.js';

interface ListQuery {
  prefix?: string;
  after?: string;
  limit: number;
}

/** One page of streams whose id starts with `prefix` (one index range where the backend keeps one). */
async function listPage(context: RouteContext, query: ListQuery) {
  const prefix = query.prefix === '' ? undefined : query.prefix;
  const found: StreamSummary[] = [];
  for await (const stream of context.store.listStreams({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(prefix === undefined ? {} : { prefix }),
    maxCount: query.limit + 1,
    pageSize: query.limit + 1,
  })) {
    found.push(stream);
  }
  const page = found.slice(0, query.limit);
  const more = found.length > query.limit;
  return { streams: page.map(streamJson), next: more ? (page[page.length - 1]?.streamId ?? null) : null };
}

async function requireStream(context: RouteContext, id: string) {
  const info = await context.store.getStream(id);
  if (!info) throw new HttpError(404, 'STREAM_NOT_FOUND', `Stream '${id}' does not exist`);
  return info;
}

/** The stream routes. */
export function streamRoutes(context: RouteContext): RouteSpec[] {
  const { store } = context;
  const limit = limitSchema(context.limits);
  return [
    {
      method: 'GET',
      url: '/api/streams',
      operationId: 'listStreams',
      summary: 'Streams in id order, optionally only those whose id starts with a prefix',
      tag: 'streams',
      querystring: {
        type: 'object',
        properties: {
          prefix: { type: 'string', maxLength: 1024, description: 'Only ids starting with this text' },
          after: { ...STREAM_ID_SCHEMA, description: 'Resume strictly after this id (the previous page’s next)' },
          limit,
        },
      },
      responses: { '200': { description: 'A page of streams', schema: ref('StreamPage') }, ...ERROR_RESPONSES },
      handler: async (request) => listPage(context, request.query as ListQuery),
    },
    {
      method: 'GET',
      url: '/api/stream',
      operationId: 'getStream',
      summary: 'One stream’s revision and times',
      tag: 'streams',
      querystring: { type: 'object', properties: { id: STREAM_ID_SCHEMA }, required: ['id'] },
      responses: {
        '200': { description: 'The stream', schema: ref('Stream') },
        '404': { description: 'No such stream', schema: ref('Error') },
        ...ERROR_RESPONSES,
      },
      handler: async (request) => {
        const { id } = request.query as { id: string };
        const info = await requireStream(context, id);
        return streamJson({ streamId: id, ...info });
      },
    },
    {
      method: 'GET',
      url: '/api/stream/events',
      operationId: 'readStream',
      summary: 'A page of a stream’s events, forward or backward',
      tag: 'streams',
      querystring: {
        type: 'object',
        properties: {
          id: STREAM_ID_SCHEMA,
          direction: { type: 'string', enum: ['forward', 'backward'], default: 'forward' },
          from: { ...REVISION_SCHEMA, description: 'Inclusive revision to start at (default: the first, or the last backward)' },
          limit,
        },
        required: ['id'],
      },
      responses: {
        '200': { description: 'A page of events', schema: ref('StreamEventPage') },
        '404': { description: 'No such stream', schema: ref('Error') },
        ...ERROR_RESPONSES,
      },
      handler: async (request) => {
        const query = request.query as { id: string; direction: 'forward' | 'backward'; from?: number; limit: number };
        const events = [];
        for await (const event of store.read(query.id, {
          direction: query.direction,
          ...(query.from === undefined ? {} : { from: query.from }),
          maxCount: query.limit + 1,
          pageSize: query.limit + 1,
        })) {
          events.push(event);
        }
        if (events.length === 0) await requireStream(context, query.id);
        const page = events.slice(0, query.limit);
        const next = events.length > query.limit ? (events[query.limit]?.revision ?? null) : null;
        return { streamId: query.id, direction: query.direction, events: page.map(eventJson), next };
      },
    },
    {
      method: 'GET',
      url: '/api/stream/event',
      operationId: 'getEvent',
      summary: 'One event of a stream, by revision',
      tag: 'streams',
      querystring: {
        type: 'object',
        properties: { id: STREAM_ID_SCHEMA, revision: { ...REVISION_SCHEMA, minimum: 1 } },
        required: ['id', 'revision'],
      },
      responses: {
        '200': { description: 'The event', schema: ref('Event') },
        '404': { description: 'No such stream or revision', schema: ref('Error') },
        ...ERROR_RESPONSES,
      },
      handler: async (request) => {
        const { id, revision } = request.query as { id: string; revision: number };
        for await (const event of store.read(id, { from: revision, maxCount: 1 })) {
          if (event.revision === revision) return eventJson(event);
        }
        await requireStream(context, id);
        throw new HttpError(404, 'EVENT_NOT_FOUND', `Stream '${id}' has no revision ${revision}`);
      },
    },
  ];
}
