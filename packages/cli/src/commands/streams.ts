/** `streamstore streams`: the streams of the store with their revision and last update. */
import type { Command } from 'commander';
import { type CliIO, println, settingsOf, wholeNumber } from '../cli-io.js';
import { withStore } from '../open-store.js';
import { formatTable, formatTime } from '../terminal.js';

/** Adds the `streams` command to `program`. */
export function registerStreamsCommand(program: Command, io: CliIO): void {
  program
    .command('streams')
    .description('list the streams of the store with their revision and last update')
    .option('--json', 'one JSON object per line')
    .option('--max <n>', 'list at most n streams', wholeNumber(1))
    .option('--prefix <text>', 'only streams whose id starts with this text (exactly, case-sensitive, no wildcards)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore streams --file ./.streamstore/demo.db\n  $ streamstore streams --json\n' +
        '  $ streamstore streams --prefix account-',
    )
    .action(async (options: { json?: boolean; max?: number; prefix?: string }, command: Command) => {
      await withStore(settingsOf(command, io), { purpose: 'read', provision: false }, async ({ store }) => {
        const rows: string[][] = [];
        const query = {
          ...(options.max === undefined ? {} : { maxCount: options.max }),
          ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        };
        for await (const stream of store.listStreams(query)) {
          if (options.json) {
            println(
              io,
              JSON.stringify({
                streamId: stream.streamId,
                revision: stream.revision,
                createdAt: formatTime(stream.createdAt),
                updatedAt: formatTime(stream.updatedAt),
              }),
            );
          } else {
            rows.push([stream.streamId, String(stream.revision), formatTime(stream.updatedAt)]);
          }
        }
        if (options.json) return;
        if (rows.length === 0) {
          println(io, options.prefix === undefined ? 'no streams' : `no streams starting with '${options.prefix}'`);
          return;
        }
        for (const line of formatTable(['STREAM', 'REVISION', 'UPDATED'], rows)) println(io, line);
        println(io, `${rows.length} stream(s)`);
      });
    });
}
