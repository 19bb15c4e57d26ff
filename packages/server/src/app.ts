/** Builds the Fastify application: security headers, CORS, authentication, the API, its document and the web page. */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from './auth.js';
import type { RouteContext } from './context.js';
import { HttpError, handleError } from './http-error.js';
import { openApiDocument } from './openapi.js';
import { DEFAULT_LIMITS, type ServerOptions } from './options.js';
import { registerRoutes } from './route-spec.js';
import { appendRoutes } from './routes/append.js';
import { consumerRoutes } from './routes/consumers.js';
import { infoRoutes } from './routes/info.js';
import { LiveTails, liveRoutes } from './routes/live.js';
import { logRoutes } from './routes/log.js';
import { streamRoutes } from './routes/streams.js';
import { CONTENT_SECURITY_POLICY, registerWebAssets } from './web-assets.js';

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Answers CORS preflights and marks responses for the allowed origins only; with none, browsers refuse other origins. */
function installCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return;
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      void reply
        .header('access-control-allow-methods', 'GET, POST, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type, last-event-id')
        .header('access-control-max-age', '600')
        .status(204)
        .send();
    }
  });
  // Preflights reach no route otherwise; the hook above has answered them.
  app.options('/api/*', async (_request, reply) => reply.status(204).send());
}

/**
 * Creates the server application over `options.store` (not listening yet: call `listen`, or use `startServer`).
 * @example const app = await createServer({ store, token: 'secret' }); await app.listen({ host: '127.0.0.1', port: 4000 });
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const context: RouteContext = {
    store: options.store,
    consumers: options.consumers,
    limits,
    allowWrites: options.allowWrites ?? false,
    target: options.target,
    authenticated: options.token !== null,
  };
  const app = Fastify({
    bodyLimit: limits.bodyLimit,
    logger: options.logRequests ? { level: 'info' } : { level: 'warn' },
    return503OnClosing: true,
    // Unknown body fields are refused (400), not silently dropped: a typo must not append something else.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.addHook('onRequest', async (_request, reply) => {
    void reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY');
  });
  installCors(app, options.corsOrigins ?? []);
  installAuth(app, options.token);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (request) => {
    throw new HttpError(404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
  });

  const tails = new LiveTails(context);
  const routes = [
    ...infoRoutes(context),
    ...streamRoutes(context),
    ...appendRoutes(context),
    ...logRoutes(context),
    ...liveRoutes(tails),
    ...consumerRoutes(context),
  ];
  registerRoutes(app, routes);
  const document = openApiDocument(routes, packageVersion());
  app.get('/openapi.json', async () => document);
  registerWebAssets(app);
  app.addHook('preClose', async () => tails.closeAll());
  return app;
}
