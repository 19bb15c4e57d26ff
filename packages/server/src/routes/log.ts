/** The global log and a category's events, paged forward by position (capability `globalOrder`). */
import { categoryOf, type RecordedEvent } from '@streamstore/core';
import type { RouteContext } from '../context.js';
import { eventJson } from '../event-json.js';
import { limitSchema, POSITION_SCHEMA } from '../paging.js';
import { ERROR_RESPONSES, type RouteSpec, ref } from '../route-spec.js';

interface LogQuery {
  after?: string;
  limit: number;
}

/** One page of the log: `next` resumes after the page (null at the end), `checkpoint` is where a tail resumes. */
async function logPage(context: RouteContext, query: LogQuery) {
  const events: RecordedEvent[] = [];
  for await (const event of context.store.readAll({
    ...(query.after === undefined ? {} : { from: query.after }),
    maxCount: query.limit + 1,
    pageSize: query.limit + 1,
  })) {
    events.push(event);
  }
  const page = events.slice(0, query.limit);
  const more = events.length > query.limit;
  const checkpoint = page[page.length - 1]?.position ?? query.after ?? null;
  return { events: page.map(eventJson), next: more ? checkpoint : null, checkpoint };
}

/**
 * One page of a category: the log is scanned from `after`, keeping the category's events, for at most
 * `maxCategoryScan` events per request; a page cut short by that bound still says where to go on.
 */
async function categoryPage(context: RouteContext, query: LogQuery & { name: string }) {
  const { limits, store } = context;
  const kept: RecordedEvent[] = [];
  let scanned = 0;
  let checkpoint = query.after;
  let exhausted = false;
  const batch = Math.min(Math.max(query.limit, 500), limits.maxPageSize);
  while (kept.length <= query.limit && scanned < limits.maxCategoryScan) {
    let read = 0;
    for await (const event of store.readAll({
      ...(checkpoint === undefined ? {} : { from: checkpoint }),
      maxCount: batch,
      pageSize: batch,
    })) {
      read++;
      checkpoint = event.position;
      if (categoryOf(event.streamId) === query.name) {
        kept.push(event);
        if (kept.length > query.limit) break;
      }
    }
    scanned += read;
    if (read < batch && kept.length <= query.limit) {
      exhausted = true;
      break;
    }
  }
  const page = kept.slice(0, query.limit);
  // With a full page the next one starts after its last event; a scan cut short resumes where the scan stopped.
  const resume = kept.length > query.limit ? (page[page.length - 1]?.position ?? null) : (checkpoint ?? null);
  return { category: query.name, events: page.map(eventJson), next: exhausted ? null : resume, checkpoint: checkpoint ?? null };
}

/** The log routes. */
export function logRoutes(context: RouteContext): RouteSpec[] {
  const limit = limitSchema(context.limits);
  return [
    {
      method: 'GET',
      url: '/api/log',
      operationId: 'readLog',
      summary: 'A page of the global log in commit order',
      tag: 'log',
      querystring: { type: 'object', properties: { after: POSITION_SCHEMA, limit } },
      responses: {
        '200': { description: 'A page of the log', schema: ref('LogPage') },
        '501': { description: 'The backend keeps no global log', schema: ref('Error') },
        ...ERROR_RESPONSES,
      },
      handler: async (request) => logPage(context, request.query as LogQuery),
    },
    {
      method: 'GET',
      url: '/api/category/events',
      operationId: 'readCategory',
      summary: 'A page of one category’s events (streams whose composite id starts with it) in commit order',
      tag: 'log',
      querystring: {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, after: POSITION_SCHEMA, limit },
        required: ['name'],
      },
      responses: {
        '200': { description: 'A page of the category', schema: ref('LogPage') },
        '501': { description: 'The backend keeps no global log', schema: ref('Error') },
        ...ERROR_RESPONSES,
      },
      handler: async (request) => categoryPage(context, request.query as LogQuery & { name: string }),
    },
  ];
}
