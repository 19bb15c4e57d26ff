/**
 * A route described once: Fastify validates requests with its schemas and the OpenAPI document is built from the
 * same description, so the two cannot drift apart.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A JSON Schema (the subset the routes use). */
export type JsonSchema = Record<string, unknown>;

/** One documented response of a route. */
export interface ResponseSpec {
  description: string;
  /** JSON body schema, or a `$ref` into the document's components. */
  schema?: JsonSchema;
  /** Media type other than application/json (e.g. text/event-stream). */
  contentType?: string;
}

/** One route of the API. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Fastify path syntax (`/api/dead-letters/:id`). */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  querystring?: JsonSchema & { properties: Record<string, JsonSchema>; required?: string[] };
  params?: JsonSchema & { properties: Record<string, JsonSchema>; required?: string[] };
  body?: JsonSchema;
  responses: Record<string, ResponseSpec>;
  // biome-ignore lint/suspicious/noExplicitAny: each handler narrows its own validated query/params/body
  handler: (request: FastifyRequest<any>, reply: FastifyReply) => Promise<unknown>;
}

/** Registers `specs` on `app`, each with its request schemas. */
export function registerRoutes(app: FastifyInstance, specs: readonly RouteSpec[]): void {
  for (const spec of specs) {
    const schema: Record<string, JsonSchema> = {};
    if (spec.querystring) schema.querystring = spec.querystring;
    if (spec.params) schema.params = spec.params;
    if (spec.body) schema.body = spec.body;
    app.route({ method: spec.method, url: spec.url, schema, handler: spec.handler });
  }
}

/** A `$ref` to a component schema. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The error responses most routes share. */
export const ERROR_RESPONSES: Record<string, ResponseSpec> = {
  '400': { description: 'Bad input (validation error)', schema: ref('Error') },
  '401': { description: 'Missing or wrong bearer token', schema: ref('Error') },
};
