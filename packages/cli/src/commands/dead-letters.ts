/** `streamstore dead-letters`: the events consumers parked after their handler failed, with the error. */
import type { DeadLetter } from '@streamstore/core';
import type { Command } from 'commander';
import { type CliIO, println, settingsOf } from '../cli-io.js';
import { withConsumerState } from '../open-consumer-state.js';
import { formatTable, formatTime, truncate } from '../terminal.js';

/** A dead letter as one JSON line. */
export function deadLetterToJson(letter: DeadLetter): string {
  return JSON.stringify({
    consumer: letter.consumer,
    streamId: letter.streamId,
    revision: letter.revision,
    position: letter.position ?? null,
    eventId: letter.eventId,
    type: letter.type,
    attempts: letter.attempts,
    error: letter.error,
    failedAt: formatTime(letter.failedAt),
  });
}

/** Adds the `dead-letters` command to `program`. */
export function registerDeadLettersCommand(program: Command, io: CliIO): void {
  program
    .command('dead-letters')
    .description('list the events consumers parked after their handler failed (oldest first), with the error')
    .option('--consumer <name>', "only this consumer's dead letters")
    .option('--json', 'one JSON object per line (the error in full)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore dead-letters --file ./events.db\n  $ streamstore dead-letters --consumer order-totals --json',
    )
    .action(async (options: { consumer?: string; json?: boolean }, command: Command) => {
      await withConsumerState(settingsOf(command, io), 'dead-letters', async (state) => {
        const letters = await state.deadLetters(options.consumer);
        if (options.json) {
          for (const letter of letters) println(io, deadLetterToJson(letter));
          return;
        }
        if (letters.length === 0) {
          println(io, options.consumer === undefined ? 'no dead letters' : `no dead letters of ${options.consumer}`);
          return;
        }
        const rows = letters.map((letter) => [
          letter.consumer,
          letter.streamId,
          String(letter.revision),
          letter.eventId,
          letter.type,
          String(letter.attempts),
          formatTime(letter.failedAt),
          // The table stays one line per letter; --json has the whole error.
          truncate(letter.error.replace(/\s+/g, ' '), 80),
        ]);
        const header = ['CONSUMER', 'STREAM', 'REV', 'EVENT ID', 'TYPE', 'ATTEMPTS', 'FAILED AT', 'ERROR'];
        for (const line of formatTable(header, rows)) println(io, line);
        println(io, `${letters.length} dead letter(s)`);
      });
    });
}
