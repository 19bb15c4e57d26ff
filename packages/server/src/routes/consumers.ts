/** Consumers with their checkpoint and lag; dead letters listed, retried and discarded. */
import type { ConsumerAdmin, DeadLetterEntry } from '../consumer-admin.js';
import type { RouteContext } from '../context.js';
import { HttpError } from '../http-error.js';
import { limitSchema } from '../paging.js';
import { ERROR_RESPONSES, type RouteSpec, ref } from '../route-spec.js';

function requireAdmin(context: RouteContext): ConsumerAdmin {
  if (!context.consumers) {
    throw new HttpError(501, 'NOT_SUPPORTED', 'This store keeps no consumers’ checkpoints or dead letters the server can read');
  }
  return context.consumers;
}

function deadLetterJson(letter: DeadLetterEntry) {
  return {
    id: letter.id,
    consumer: letter.consumer,
    streamId: letter.streamId,
    revision: letter.revision,
    position: letter.position ?? null,
    eventId: letter.eventId,
    type: letter.type,
    error: letter.error,
    attempts: letter.attempts,
    failedAt: letter.failedAt.toISOString(),
  };
}

const ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  required: ['id'],
};
const NOT_SUPPORTED = { '501': { description: 'The store keeps no consumer state', schema: ref('Error') } };

/** The consumer routes. */
export function consumerRoutes(context: RouteContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/api/consumers',
      operationId: 'listConsumers',
      summary: 'Consumers with their checkpoint and how many log events they trail by',
      tag: 'consumers',
      responses: { '200': { description: 'Consumers', schema: ref('ConsumerList') }, ...ERROR_RESPONSES, ...NOT_SUPPORTED },
      handler: async () => {
        const consumers = await requireAdmin(context).consumers();
        return {
          consumers: consumers.map((status) => ({ ...status, updatedAt: status.updatedAt.toISOString() })),
        };
      },
    },
    {
      method: 'GET',
      url: '/api/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'Events consumers parked after their handler failed, oldest first',
      tag: 'consumers',
      querystring: {
        type: 'object',
        properties: { consumer: { type: 'string', minLength: 1, maxLength: 256 }, limit: limitSchema(context.limits) },
      },
      responses: { '200': { description: 'Dead letters', schema: ref('DeadLetterList') }, ...ERROR_RESPONSES, ...NOT_SUPPORTED },
      handler: async (request) => {
        const { consumer, limit } = request.query as { consumer?: string; limit: number };
        const letters = await requireAdmin(context).deadLetters(consumer);
        return { deadLetters: letters.slice(0, limit).map(deadLetterJson), total: letters.length };
      },
    },
    {
      method: 'POST',
      url: '/api/dead-letters/:id/retry',
      operationId: 'retryDeadLetter',
      summary: 'Delivers a dead letter again: removes it and moves its consumer’s checkpoint back before the event',
      tag: 'consumers',
      params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: {} },
      responses: {
        '200': { description: 'Retried', schema: ref('RetryResult') },
        '404': { description: 'No such dead letter', schema: ref('Error') },
        '409': { description: 'It cannot be redelivered (the reason says why)', schema: ref('Error') },
        ...ERROR_RESPONSES,
        ...NOT_SUPPORTED,
      },
      handler: async (request) => {
        const { id } = request.params as { id: string };
        const outcome = await requireAdmin(context).retry(id);
        if (outcome.status === 'not-found') throw new HttpError(404, 'DEAD_LETTER_NOT_FOUND', `No dead letter ${id}`);
        if (outcome.status === 'not-retryable') throw new HttpError(409, 'NOT_RETRYABLE', outcome.reason);
        return { id, status: 'retried', checkpoint: outcome.checkpoint };
      },
    },
    {
      method: 'DELETE',
      url: '/api/dead-letters/:id',
      operationId: 'discardDeadLetter',
      summary: 'Removes a dead letter for good',
      tag: 'consumers',
      params: ID_PARAMS,
      responses: {
        '204': { description: 'Discarded' },
        '404': { description: 'No such dead letter', schema: ref('Error') },
        ...ERROR_RESPONSES,
        ...NOT_SUPPORTED,
      },
      handler: async (request, reply) => {
        const { id } = request.params as { id: string };
        if (!(await requireAdmin(context).discard(id))) throw new HttpError(404, 'DEAD_LETTER_NOT_FOUND', `No dead letter ${id}`);
        void reply.status(204);
        return undefined;
      },
    },
  ];
}
