/** `streamstore consumers`: each consumer's checkpoint, when it moved, and how far behind the global log it is. */
import { comparePositions } from '@streamstore/core';
import type { Command } from 'commander';
import { type CliIO, println, settingsOf } from '../cli-io.js';
import { type ConsumerCheckpoint, type ConsumerState, LAG_COUNT_LIMIT } from '../consumer-state.js';
import { withConsumerState } from '../open-consumer-state.js';
import { formatTable, formatTime } from '../terminal.js';

/** A consumer as the command prints it. */
interface ConsumerRow extends ConsumerCheckpoint {
  /** Events of the global log after the checkpoint; undefined when the checkpoint is not a position. */
  behind: number | undefined;
}

const DECIMAL = /^[0-9]+$/;

/**
 * Events of the global log after `checkpoint`. The head is compared first (as integers), so a consumer that is
 * caught up costs no count. A checkpoint that is not a decimal position gets no figure.
 */
async function eventsBehind(state: ConsumerState, head: string | undefined, checkpoint: string): Promise<number | undefined> {
  if (!state.hasGlobalLog || !DECIMAL.test(checkpoint)) return undefined;
  if (head === undefined || comparePositions(checkpoint, head) >= 0) return 0;
  return state.eventsAfter(checkpoint);
}

/** Adds the `consumers` command to `program`. */
export function registerConsumersCommand(program: Command, io: CliIO): void {
  program
    .command('consumers')
    .description('list the consumers with a saved checkpoint, when it moved and how far behind the global log it is')
    .option('--json', 'one JSON object per line')
    .addHelpText(
      'after',
      '\nBEHIND: events of the global log after the checkpoint, the lag of a consumer of `all`\n' +
        "(a category consumer's count includes other categories' events; a stream consumer's\n" +
        'checkpoint is a revision, not a position: no figure is meaningful there).\n' +
        'Checkpoints and dead letters live in the store on sqlite, postgres and cassandra\n' +
        `(cassandra: BEHIND needs the change feed, and is counted up to ${LAG_COUNT_LIMIT} events: '-' beyond).\n` +
        '\nExamples:\n  $ streamstore consumers --file ./events.db\n  $ streamstore consumers --backend postgres --url postgres://127.0.0.1/app --json',
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      await withConsumerState(settingsOf(command, io), 'consumers', async (state) => {
        const checkpoints = await state.checkpoints();
        const head = checkpoints.length === 0 ? undefined : await state.headPosition();
        const rows: ConsumerRow[] = [];
        for (const checkpoint of checkpoints) {
          rows.push({ ...checkpoint, behind: await eventsBehind(state, head, checkpoint.checkpoint) });
        }
        if (options.json) {
          for (const row of rows) {
            println(
              io,
              JSON.stringify({
                consumer: row.consumer,
                checkpoint: row.checkpoint,
                updatedAt: formatTime(row.updatedAt),
                head: head ?? null,
                behind: row.behind ?? null,
              }),
            );
          }
          return;
        }
        if (rows.length === 0) {
          println(io, 'no consumers');
          return;
        }
        const table = rows.map((row) => [
          row.consumer,
          row.checkpoint,
          row.behind === undefined ? '-' : String(row.behind),
          formatTime(row.updatedAt),
        ]);
        for (const line of formatTable(['CONSUMER', 'CHECKPOINT', 'BEHIND', 'UPDATED'], table)) println(io, line);
        println(io, `${rows.length} consumer(s), global log head at ${head ?? '(empty log)'}`);
      });
    });
}
