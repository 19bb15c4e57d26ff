/** Exit codes and the one-line error report. */
import { StreamStoreError, type StreamStoreErrorCode } from '@streamstore/core';
import { CommanderError } from 'commander';

/** Exit codes of the command, one per kind of failure, the same in every command (packages/cli/README.md). */
export const EXIT = Object.freeze({
  /** Done. */
  ok: 0,
  /** The work failed otherwise: a failed verification, corrupted data, an unexpected error. */
  failure: 1,
  /** The command line was wrong: unknown flag, missing argument, bad option value. */
  usage: 2,
  /** The settings cannot work: missing --url, a path that cannot hold a database, wrong credentials, a capability the backend lacks. */
  configuration: 3,
  /** The input was refused before any I/O: an invalid tenant or stream id, a limit exceeded, unserializable data. */
  validation: 4,
  /** What the command names does not exist (a stream). */
  notFound: 5,
  /** The storage could not be reached or failed; retrying later may help. */
  unavailable: 6,
  /** Another writer got there first: a concurrency conflict, a held lock, a duplicate event id. */
  conflict: 7,
});

/** The exit code of each StreamStore error code; a code missing here exits with `failure`. */
const EXIT_OF_CODE: Partial<Record<StreamStoreErrorCode, number>> = {
  CONFIGURATION: EXIT.configuration,
  NOT_SUPPORTED: EXIT.configuration,
  VALIDATION: EXIT.validation,
  LIMIT_EXCEEDED: EXIT.validation,
  SERIALIZATION: EXIT.validation,
  STREAM_NOT_FOUND: EXIT.notFound,
  STREAM_DELETED: EXIT.notFound,
  STORAGE_UNAVAILABLE: EXIT.unavailable,
  STREAM_CONCURRENCY: EXIT.conflict,
  STREAM_LOCKED: EXIT.conflict,
  DUPLICATE_EVENT: EXIT.conflict,
};

/** The exit code of a StreamStore error: by its kind, so every command answers the same failure the same way. */
export function exitCodeOf(error: StreamStoreError): number {
  return EXIT_OF_CODE[error.code] ?? EXIT.failure;
}

/** A failure already reported to the user (the command printed why); only its exit code matters. */
export class ReportedFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'ReportedFailure';
  }
}

/**
 * Turns an error escaping a command into its exit code, printing one line on `stderr` where needed:
 * `error: <message> (<code>)` for StreamStore errors (exit code by kind, {@link exitCodeOf}); commander has already
 * printed usage errors.
 */
export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) return exitCodeOfCommanderError(error);
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof StreamStoreError) {
    stderr.write(`error: ${error.message} (${error.code})\n`);
    return exitCodeOf(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`error: ${message}\n`);
  if (process.env.STREAMSTORE_DEBUG && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}

/** Help and version exit 0; every other commander error is a usage error (exit 2). */
export function exitCodeOfCommanderError(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
  if (error.code === 'commander.help' && error.exitCode === 0) return EXIT.ok;
  return EXIT.usage;
}
