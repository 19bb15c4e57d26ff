/** What the web page needs to know about the store and the server. */
import type { RouteContext } from '../context.js';
import { ERROR_RESPONSES, type RouteSpec, ref } from '../route-spec.js';

/** The info route. */
export function infoRoutes(context: RouteContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/api/info',
      operationId: 'getInfo',
      summary: 'The backend, its capabilities and what this server allows',
      tag: 'server',
      responses: { '200': { description: 'Server info', schema: ref('Info') }, ...ERROR_RESPONSES },
      handler: async () => ({
        backend: context.store.backend,
        target: context.target ?? null,
        capabilities: context.store.capabilities,
        allowWrites: context.allowWrites,
        consumers: context.consumers !== undefined,
        authenticated: context.authenticated,
        limits: { maxPageSize: context.limits.maxPageSize, defaultPageSize: context.limits.defaultPageSize },
      }),
    },
  ];
}
