import { ConfigurationError, StorageUnavailableError, StreamStoreError } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { summarizeNoHost } from './no-host.js';

const codes = cassandra.types.responseErrorCodes;
/** Protocol v5 `CAS_WRITE_UNKNOWN` (not in the driver's table): the LWT's outcome is unknown. */
const CAS_WRITE_UNKNOWN = 0x1700;

const UNAVAILABLE_CODES = new Set<number>([
  codes.serverError,
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.truncateError,
  codes.writeTimeout,
  codes.readTimeout,
  codes.readFailure,
  codes.writeFailure,
  CAS_WRITE_UNKNOWN,
]);

interface DriverErrorShape {
  code?: number;
  message?: string;
  writeType?: string;
}

function isDriverError(error: unknown, name: keyof typeof cassandra.errors): boolean {
  const type = cassandra.errors[name] as unknown as abstract new (...args: never[]) => unknown;
  return error instanceof type;
}

/** Whether the driver error means the server could not be reached or did not answer in time. */
export function isUnavailable(error: unknown): boolean {
  if (
    isDriverError(error, 'NoHostAvailableError') ||
    isDriverError(error, 'OperationTimedOutError') ||
    isDriverError(error, 'BusyConnectionError')
  ) {
    return true;
  }
  if (isDriverError(error, 'ResponseError')) return UNAVAILABLE_CODES.has((error as DriverErrorShape).code ?? -1);
  // The connection went away under an in-flight request ("Socket was closed" and the like).
  if ((error as { isSocketError?: unknown })?.isSocketError === true) return true;
  // Socket errors surface as plain errors with a Node error code.
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTCONN)$/.test(code);
}

/**
 * Whether a conditional write that failed with `error` may nevertheless have been applied: a write timeout of the
 * Paxos round (`writeType` CAS), a CAS_WRITE_UNKNOWN, a client-side timeout or a connection lost after sending.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (isDriverError(error, 'ResponseError')) {
    const { code, writeType } = error as DriverErrorShape;
    if (code === CAS_WRITE_UNKNOWN) return true;
    if (code === codes.writeTimeout || code === codes.writeFailure) return writeType !== 'BATCH_LOG';
    return false;
  }
  return isDriverError(error, 'OperationTimedOutError') || isDriverError(error, 'NoHostAvailableError') || isUnavailable(error);
}

/** Translates a driver error into the core's typed errors (driver error as `cause`); other errors pass unchanged. */
export function translateDriverError(error: unknown, what: string): unknown {
  if (error instanceof StreamStoreError) return error;
  const noHost = summarizeNoHost(error);
  if (noHost?.configuration) {
    return new ConfigurationError(`Cassandra refused the client's settings (${what}): ${noHost.detail}`, { cause: error });
  }
  if (noHost) {
    return new StorageUnavailableError(`Cassandra is unavailable (${what}): no host reachable: ${noHost.detail}`, {
      cause: error,
    });
  }
  if (isDriverError(error, 'ResponseError') && (error as DriverErrorShape).code === codes.unavailableException) {
    // The coordinator saw too few live replicas and refused before executing anything: a certain outcome.
    return new StorageUnavailableError(
      `Cassandra is unavailable (${what}): ${(error as Error).message}; refused before execution, nothing was written`,
      { cause: error },
    );
  }
  if (isUnavailable(error)) {
    return new StorageUnavailableError(`Cassandra is unavailable (${what}): ${(error as Error).message}`, { cause: error });
  }
  if (isDriverError(error, 'ResponseError')) {
    const { code, message = '' } = error as DriverErrorShape;
    if (
      code === codes.invalid &&
      /(keyspace|table)\b.*(does not exist|unconfigured)|unconfigured table|does not exist/i.test(message)
    ) {
      return new ConfigurationError(`Cassandra schema is missing (${what}): ${message}. Provision the store first.`, {
        cause: error,
      });
    }
    if (code === codes.badCredentials || code === codes.unauthorized) {
      return new ConfigurationError(`Cassandra refused the credentials (${what}): ${message}`, { cause: error });
    }
  }
  if (isDriverError(error, 'AuthenticationError')) {
    return new ConfigurationError(`Cassandra authentication failed (${what}): ${(error as Error).message}`, { cause: error });
  }
  return error;
}
