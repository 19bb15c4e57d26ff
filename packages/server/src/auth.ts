/**
 * Access control: a bearer token on every API call (compared in constant time), or, without one, requests for a
 * loopback Host only. Mutating calls must send JSON, so a foreign web page cannot forge them with a simple form
 * post (a JSON POST or a DELETE needs a CORS preflight, which fails unless the origin was allowed).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';
import { isLoopbackHostHeader } from './loopback.js';

/** A fresh random token (32 bytes, base64url). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Installs the checks on every route under /api/ (the web page's assets and /openapi.json stay public). */
export function installAuth(app: FastifyInstance, token: string | null): void {
  const expected = token === null ? undefined : digest(token);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    if (expected === undefined) {
      if (!isLoopbackHostHeader(request.headers.host)) {
        throw new HttpError(
          403,
          'FORBIDDEN_HOST',
          'Without authentication only a loopback Host (127.0.0.1, localhost) is served',
        );
      }
    } else {
      const given = bearerOf(request);
      // Hashing both sides first makes the comparison constant-time whatever the lengths.
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        void reply.header('www-authenticate', 'Bearer');
        throw new HttpError(401, 'UNAUTHORIZED', 'A valid token is required: Authorization: Bearer <token>');
      }
    }
    if (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH') {
      const type = request.headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
      }
    }
  });
}
