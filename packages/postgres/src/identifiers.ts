import { ConfigurationError } from '@streamstore/core';
import { validateTenantId } from '@streamstore/core/storage';

/** Schema names we create: lower-case, starting with a letter or `_`, at most 63 bytes (PostgreSQL's limit). */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Prefixes of tenant schemas: short enough that prefix + the longest tenant id (48) fits in 63. */
export const SCHEMA_PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,14}$/;

/** Throws `ConfigurationError` unless `name` is a schema name we accept; returns it. */
export function validateSchemaName(name: unknown, field = 'schema'): string {
  if (typeof name !== 'string' || !SCHEMA_NAME_PATTERN.test(name)) {
    throw new ConfigurationError(
      `${field} ${JSON.stringify(name)} is invalid: it must match ${SCHEMA_NAME_PATTERN.source} (lower-case letters, digits, _)`,
    );
  }
  return name;
}

/** The schema of a tenant: `<prefix><tenantId>`, both parts checked again here (defence in depth). */
export function tenantSchemaName(prefix: string, tenantId: string): string {
  // The same typed refusal as every backend (a ValidationError); a non-string is refused, never stringified.
  return validateSchemaName(`${prefix}${validateTenantId(tenantId)}`, 'tenant schema');
}

/**
 * Quotes an identifier that has passed {@link validateSchemaName}. Quoting is still applied so that a future
 * relaxation of the pattern (or a reserved word such as `user`) can never change the meaning of a statement.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
