/**
 * Live tails as server-sent events: the global log, a category or a stream, from a checkpoint (`after`, or the
 * `Last-Event-ID` a reconnecting EventSource sends) or from now on. Each tail is a store subscription of its own.
 */
import { NotSupportedError, type RecordedEvent, type SubscriptionTarget } from '@streamstore/core';
import { validateStreamId } from '@streamstore/core/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { eventJson } from '../event-json.js';
import { HttpError } from '../http-error.js';
import { POSITION_SCHEMA, REVISION_SCHEMA, STREAM_ID_SCHEMA } from '../paging.js';
import { ERROR_RESPONSES, type RouteSpec } from '../route-spec.js';
import { SseConnection } from '../sse-connection.js';

/** The open tails, so that a limit holds and the server can end them when it closes. */
export class LiveTails {
  private readonly open = new Set<SseConnection>();

  constructor(private readonly context: RouteContext) {}

  /** Starts a tail of `target` on `reply`, resuming after `from` (a position, or a revision for a stream). */
  start(request: FastifyRequest, reply: FastifyReply, target: SubscriptionTarget, from: string | number | undefined): void {
    const { store, limits } = this.context;
    if (this.open.size >= limits.maxLiveClients) {
      throw new HttpError(503, 'TOO_MANY_LIVE_CLIENTS', `At most ${limits.maxLiveClients} live tails at a time`);
    }
    if (target === 'all' || 'category' in target) {
      if (!store.capabilities.globalOrder) {
        throw new NotSupportedError('globalOrder', `The ${store.backend} backend keeps no global log: tail a stream instead`);
      }
    }
    reply.hijack();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (typeof value === 'string') headers[name] = value;
    const connection = new SseConnection(reply.raw, limits.liveDrainTimeoutMs, headers);
    this.open.add(connection);
    const idOf = (event: RecordedEvent) =>
      target !== 'all' && 'stream' in target ? String(event.revision) : (event.position ?? '');
    const subscription = store.subscribe({
      to: target,
      from: from ?? 'end',
      // Low intervals: a tail is watched by a person, who expects an append on screen within a second.
      pollIntervalMs: 50,
      maxPollIntervalMs: 250,
      batchSize: 100,
      signal: connection.signal,
      handler: (event) => connection.send(idOf(event), 'event', JSON.stringify(eventJson(event))),
    });
    void subscription.caughtUp.then(() => connection.send('', 'live', '{}')).catch(() => {});
    subscription.done
      .catch((error: unknown) => {
        if (connection.signal.aborted) return;
        request.log.warn({ err: error }, 'live tail ended');
        return connection.send('', 'error', JSON.stringify({ error: { code: 'TAIL_FAILED', message: 'the tail ended' } }));
      })
      .finally(() => {
        connection.close();
        this.open.delete(connection);
      });
  }

  /** How many tails are open. */
  get size(): number {
    return this.open.size;
  }

  /** Ends every tail (server shutdown). */
  closeAll(): void {
    for (const connection of this.open) connection.close();
  }
}

/** The checkpoint a tail resumes from: `after`, else the Last-Event-ID header. */
function resumeFrom(request: FastifyRequest, after: string | number | undefined): string | undefined {
  if (after !== undefined) return String(after);
  const header = request.headers['last-event-id'];
  return typeof header === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(header) ? header : undefined;
}

const SSE_RESPONSE = {
  '200': {
    description:
      'text/event-stream: `event` frames (id = position or revision, data = an Event), one `live` frame once caught up',
    contentType: 'text/event-stream',
  },
  '501': { description: 'The backend keeps no global log' },
  '503': { description: 'Too many live tails' },
  ...ERROR_RESPONSES,
};

/** The live routes. */
export function liveRoutes(tails: LiveTails): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/api/log/live',
      operationId: 'tailLog',
      summary: 'Server-sent events of the global log from `after` (default: from now on)',
      tag: 'live',
      querystring: { type: 'object', properties: { after: POSITION_SCHEMA } },
      responses: SSE_RESPONSE,
      handler: async (request, reply) => {
        const { after } = request.query as { after?: string };
        tails.start(request, reply, 'all', resumeFrom(request, after));
      },
    },
    {
      method: 'GET',
      url: '/api/category/live',
      operationId: 'tailCategory',
      summary: 'Server-sent events of one category from `after` (default: from now on)',
      tag: 'live',
      querystring: {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, after: POSITION_SCHEMA },
        required: ['name'],
      },
      responses: SSE_RESPONSE,
      handler: async (request, reply) => {
        const { name, after } = request.query as { name: string; after?: string };
        tails.start(request, reply, { category: name }, resumeFrom(request, after));
      },
    },
    {
      method: 'GET',
      url: '/api/stream/live',
      operationId: 'tailStream',
      summary: 'Server-sent events of one stream after revision `after` (default: from now on)',
      tag: 'live',
      querystring: { type: 'object', properties: { id: STREAM_ID_SCHEMA, after: REVISION_SCHEMA }, required: ['id'] },
      responses: SSE_RESPONSE,
      handler: async (request, reply) => {
        const { id, after } = request.query as { id: string; after?: number };
        validateStreamId(id);
        const from = resumeFrom(request, after);
        tails.start(request, reply, { stream: id }, from === undefined ? undefined : Number(from));
      },
    },
  ];
}
