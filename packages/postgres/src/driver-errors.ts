import { ConfigurationError, OperationAbortedError, StorageUnavailableError } from '@streamstore/core';
import { CLOSED_IN_STARTUP, NOT_POSTGRESQL, UNSUPPORTED_AUTH } from './startup-check.js';

// Node socket errors and postgres.js's own connection error codes: the server could not be reached or went away.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  NOT_POSTGRESQL,
  CLOSED_IN_STARTUP,
]);

// SQLSTATEs meaning "the server is not available right now" (class 08, shutdown, starting up, overloaded).
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '58030']);

// SQLSTATEs of a transaction the server rolled back to resolve a conflict with others (serialization failure,
// deadlock): nothing of it was written and sending it again is the documented remedy.
const ROLLED_BACK_SQLSTATES = new Set(['40001', '40P01']);

// SQLSTATEs of a store whose schema was never provisioned: undefined table, function, schema.
const NOT_PROVISIONED_SQLSTATES = new Set(['42P01', '42883', '3F000']);

// SQLSTATE of a statement the role has no right to run (creating the schema, reading a table it was not granted).
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Whether `code` is a login the server refused — class 28 (no such role, wrong password, pg_hba.conf rejects it), a
 * database that does not exist — or an authentication method the driver lacks. Retrying does not help: the connection
 * settings are wrong.
 */
function isLoginRefused(code: string): boolean {
  return code.startsWith('28') || code === '3D000' || code === UNSUPPORTED_AUTH;
}

/** The SQLSTATE or driver code of an error, if any. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `error` says the server is unreachable, went away or is shutting down. */
export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08');
}

/**
 * Turns a driver error into the core's typed errors: unreachable server, or a transaction rolled back by a
 * serialization failure or deadlock -> `StorageUnavailableError`, cancelled by
 * the caller's signal -> `OperationAbortedError`; missing schema, refused login, missing database or an authentication
 * method the driver lacks -> `ConfigurationError`. Anything else is rethrown.
 */
export function translateDriverError(error: unknown, context: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return new OperationAbortedError(signal.reason);
  const code = codeOf(error);
  if (isConnectionError(error)) {
    return new StorageUnavailableError(`PostgreSQL is unavailable (${context}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (code !== undefined && ROLLED_BACK_SQLSTATES.has(code)) {
    return new StorageUnavailableError(
      `PostgreSQL rolled the transaction back (${context}, ${code}): nothing was written; safe to retry with the same event ids`,
      { cause: error },
    );
  }
  if (code !== undefined && isLoginRefused(code)) {
    return new ConfigurationError(
      `PostgreSQL refused the connection (${context}): ${(error as Error).message}; check the connection settings (user, password, database)`,
      { cause: error },
    );
  }
  if (code === INSUFFICIENT_PRIVILEGE) {
    return new ConfigurationError(
      `PostgreSQL refused ${context} to the connection's role: ${(error as Error).message}; grant the role the rights it needs (or provision with one that has them)`,
      { cause: error },
    );
  }
  if (code !== undefined && NOT_PROVISIONED_SQLSTATES.has(code)) {
    return new ConfigurationError(
      `The PostgreSQL schema is missing or incomplete (${context}): provision it first (createStreamStore({ provisionSchema: true }) or \`streamstore migrate\`)`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
