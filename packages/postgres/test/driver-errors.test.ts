/**
 * How driver errors become the core's typed errors (the server-backed cases are in faults.test.ts and storage.test.ts).
 */
import { ConfigurationError, OperationAbortedError, StorageUnavailableError } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { translateDriverError } from '../src/driver-errors.js';

/** An error shaped like postgres.js's, with a SQLSTATE or driver code. */
function driverError(code: string): Error {
  return Object.assign(new Error(`driver says ${code}`), { code });
}

describe('postgres: translateDriverError', () => {
  it.each(['40001', '40P01'])('a transaction rolled back with %s is a retryable StorageUnavailableError', (code) => {
    const cause = driverError(code);
    const error = translateDriverError(cause, 'append');
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error.message).toContain('safe to retry');
    expect(error.cause).toBe(cause);
  });

  it('an unreachable server is a StorageUnavailableError, a missing schema a ConfigurationError', () => {
    expect(translateDriverError(driverError('ECONNREFUSED'), 'read')).toBeInstanceOf(StorageUnavailableError);
    expect(translateDriverError(driverError('42P01'), 'read')).toBeInstanceOf(ConfigurationError);
  });

  it.each(['3D000', '28000', '28P01', '42501', 'STREAMSTORE_UNSUPPORTED_AUTH'])(
    'a refused login, a missing database, a missing right (%s) is a ConfigurationError',
    (code) => {
      const cause = driverError(code);
      const error = translateDriverError(cause, 'provision');
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.cause).toBe(cause);
    },
  );

  it.each(['STREAMSTORE_NOT_POSTGRESQL', 'STREAMSTORE_CLOSED_IN_STARTUP'])(
    'a server that is not PostgreSQL (%s) is a StorageUnavailableError',
    (code) => {
      expect(translateDriverError(driverError(code), 'read')).toBeInstanceOf(StorageUnavailableError);
    },
  );

  it("a fired signal wins over the driver's error; other errors pass through unchanged", () => {
    const controller = new AbortController();
    controller.abort();
    expect(translateDriverError(driverError('40001'), 'append', controller.signal)).toBeInstanceOf(OperationAbortedError);
    const unique = driverError('23505');
    expect(translateDriverError(unique, 'append')).toBe(unique);
  });
});
