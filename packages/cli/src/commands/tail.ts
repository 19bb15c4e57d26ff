/**
 * `streamstore tail`: the global log in commit order from a checkpoint. With --follow it keeps polling for new
 * events until Ctrl-C, then says where to resume.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedEvent, StreamStore } from '@streamstore/core';
import type { Command } from 'commander';
import { type CliIO, println, settingsOf, wholeNumber } from '../cli-io.js';
import { withStore } from '../open-store.js';
import { formatTime, previewData } from '../terminal.js';
import { eventToJson } from './read.js';

interface TailFlags {
  from?: string;
  follow?: boolean;
  interval: number;
  json?: boolean;
}

function formatLine(event: RecordedEvent): string {
  return `${(event.position ?? '-').padStart(8)}  ${formatTime(event.recordedAt)}  ${event.streamId}@${event.revision}  ${event.type}  ${previewData(event.data)}`;
}

/** Prints every event after `checkpoint`; returns the new checkpoint. */
async function drain(
  store: StreamStore,
  checkpoint: string | undefined,
  signal: AbortSignal,
  print: (event: RecordedEvent) => void,
): Promise<string | undefined> {
  let last = checkpoint;
  for await (const event of store.readAll({ ...(last === undefined ? {} : { from: last }), signal })) {
    print(event);
    last = event.position ?? last;
  }
  return last;
}

/** Adds the `tail` command to `program`. */
export function registerTailCommand(program: Command, io: CliIO): void {
  program
    .command('tail')
    .description('print the global log (every stream, in commit order); --follow keeps printing new events until Ctrl-C')
    .option('--from <position>', 'start strictly after this position (a checkpoint printed earlier)')
    .option('--follow', 'keep polling for new events until interrupted')
    .option('--interval <ms>', 'polling interval with --follow', wholeNumber(10), 500)
    .option('--json', 'one JSON object per line')
    .addHelpText('after', '\nExamples:\n  $ streamstore tail\n  $ streamstore tail --from 120 --follow')
    .action(async (options: TailFlags, command: Command) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const print = (event: RecordedEvent) => println(io, options.json ? eventToJson(event) : formatLine(event));
      try {
        await withStore(settingsOf(command, io), { purpose: 'read', provision: false }, async ({ store }) => {
          let checkpoint = options.from;
          try {
            checkpoint = await drain(store, checkpoint, controller.signal, print);
            while (options.follow && !controller.signal.aborted) {
              await sleep(options.interval, undefined, { signal: controller.signal });
              checkpoint = await drain(store, checkpoint, controller.signal, print);
            }
          } catch (error) {
            if (!controller.signal.aborted) throw error;
          }
          if (options.follow) {
            io.stderr.write(
              checkpoint === undefined ? 'stopped\n' : `stopped at position ${checkpoint} (resume with --from ${checkpoint})\n`,
            );
          }
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
