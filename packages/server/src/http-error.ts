/** Errors the routes throw on purpose, and how every error becomes a JSON body without a stack trace. */
import { StreamStoreError } from '@streamstore/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** An error with the HTTP status and the stable code the client gets. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string };
}

// Typed store errors map to the status a client can act on; anything else is the server's fault.
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  VALIDATION: 400,
  LIMIT_EXCEEDED: 413,
  SERIALIZATION: 400,
  STREAM_NOT_FOUND: 404,
  // A tombstoned stream is gone for good: 410 Gone, as for any resource removed permanently.
  STREAM_DELETED: 410,
  STREAM_CONCURRENCY: 409,
  STREAM_LOCKED: 409,
  DUPLICATE_EVENT: 409,
  NOT_SUPPORTED: 501,
  STORAGE_UNAVAILABLE: 503,
  CLOSED: 503,
};

/** Fastify's own client errors (bad JSON, body too large, ...) keep their status under a stable code. */
function fastifyCode(error: FastifyError): string {
  if (error.validation) return 'BAD_REQUEST';
  if (error.statusCode === 413) return 'BODY_TOO_LARGE';
  if (error.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'BAD_JSON';
  return 'BAD_REQUEST';
}

/** Maps any error to a status and a body; server errors say nothing of their internals. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError)
    return { status: error.statusCode, body: { error: { code: error.code, message: error.message } } };
  if (error instanceof StreamStoreError) {
    const status = STATUS_OF_CODE[error.code] ?? 500;
    const message = status >= 500 && status !== 501 && status !== 503 ? 'internal error' : error.message;
    return { status, body: { error: { code: error.code, message } } };
  }
  const fastifyError = error as FastifyError;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      body: { error: { code: fastifyCode(fastifyError), message: fastifyError.message } },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

/** Fastify error handler: logs server errors, answers every error with {@link errorResponse}. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = errorResponse(error);
  // 501 and 503 are answers about the store, not failures of the server.
  if (status >= 500 && status !== 501 && status !== 503) request.log.error({ err: error }, 'request failed');
  void reply.status(status).type('application/json; charset=utf-8').send(body);
}
