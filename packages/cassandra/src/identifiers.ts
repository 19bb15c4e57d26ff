import { createHash } from 'node:crypto';
import { ConfigurationError } from '@streamstore/core';

/** Cassandra keyspace and table names: at most 48 characters (the server's limit), lower case so quoting is exact. */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;
/** Longest keyspace or table name Cassandra accepts. */
export const MAX_IDENTIFIER_LENGTH = 48;

/** Throws `ConfigurationError` unless `name` is a safe keyspace/table name; returns it. */
export function validateIdentifier(name: unknown, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER_PATTERN.test(name)) {
    throw new ConfigurationError(
      `${what} ${JSON.stringify(name)} is invalid: it must match ${IDENTIFIER_PATTERN.source} (Cassandra allows 48 characters)`,
    );
  }
  return name;
}

/** A validated identifier in double quotes (validation guarantees there is no quote to escape). */
export function quoteIdentifier(name: string): string {
  return `"${validateIdentifier(name, 'Identifier')}"`;
}

/**
 * The keyspace of a tenant: `prefix + tenantId` when it fits in 48 characters; otherwise the prefix, the start of
 * the tenant id and 12 hex digits of its SHA-256, so every valid tenant id gets a keyspace. The full tenant id is
 * recorded in the keyspace at provisioning and checked there, so a hash collision fails closed instead of mixing
 * two tenants' data.
 */
export function tenantKeyspace(prefix: string, tenantId: string): string {
  const plain = `${prefix}${tenantId}`;
  if (plain.length <= MAX_IDENTIFIER_LENGTH) return validateIdentifier(plain, 'Tenant keyspace');
  const hash = createHash('sha256').update(tenantId).digest('hex').slice(0, 12);
  const room = MAX_IDENTIFIER_LENGTH - prefix.length - hash.length - 1;
  if (room < 1) throw new ConfigurationError(`keyspacePrefix '${prefix}' is too long: leave room for tenant ids`);
  return validateIdentifier(`${prefix}${tenantId.slice(0, room)}_${hash}`, 'Tenant keyspace');
}
