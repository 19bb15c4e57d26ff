/** Query-string schemas shared by the paged routes. */
import type { ServerLimits } from './options.js';
import type { JsonSchema } from './route-spec.js';

/** The `limit` parameter: a page size between 1 and the server's maximum. */
export function limitSchema(limits: ServerLimits): JsonSchema {
  return {
    type: 'integer',
    minimum: 1,
    maximum: limits.maxPageSize,
    default: limits.defaultPageSize,
    description: `Items per page (1 to ${limits.maxPageSize}, default ${limits.defaultPageSize})`,
  };
}

/** A stream id in a query string (ids may hold `/`, `%`, `..` or any unicode, so never a path segment). */
export const STREAM_ID_SCHEMA: JsonSchema = { type: 'string', minLength: 1, maxLength: 1024, description: 'Stream id' };

/** A global-log position, as returned by the API (opaque; decimal on the SQL backends). */
export const POSITION_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: '^(0|[1-9][0-9]{0,19})$',
  description: 'Resume strictly after this position',
};

/** A 1-based stream revision. */
export const REVISION_SCHEMA: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
