/** Exit codes and the one-line error report. */
import { StreamStoreError } from '@streamstore/core';
import { CommanderError } from 'commander';

/** Exit codes of the command. */
export const EXIT = Object.freeze({
  /** Done. */
  ok: 0,
  /** The work failed: a StreamStore error, a failed verification, an unexpected error. */
  failure: 1,
  /** The command line was wrong: unknown flag, missing argument, bad option value. */
  usage: 2,
});

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
 * `error: <message> (<code>)` for StreamStore errors; commander has already printed usage errors.
 */
export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) return exitCodeOfCommanderError(error);
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof StreamStoreError) {
    stderr.write(`error: ${error.message} (${error.code})\n`);
    return EXIT.failure;
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
