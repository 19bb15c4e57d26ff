/**
 * `streamstore tail`: the global log (or one category of it) in commit order from a checkpoint. With --follow it
 * keeps polling for new events until Ctrl-C (or --max events), then says where to resume; --last N starts with the
 * last N events.
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
  category?: string;
  max?: number;
  last?: number;
  follow?: boolean;
  interval: number;
  json?: boolean;
}

function formatLine(event: RecordedEvent): string {
  return `${(event.position ?? '-').padStart(8)}  ${formatTime(event.recordedAt)}  ${event.streamId}@${event.revision}  ${event.type}  ${previewData(event.data)}`;
}

/** The global log, or one category of it, read with `options`. */
function readLog(
  store: StreamStore,
  category: string | undefined,
  options: { from?: string; direction?: 'forward' | 'backward'; maxCount?: number; signal: AbortSignal },
): AsyncIterable<RecordedEvent> {
  return category === undefined ? store.readAll(options) : store.readCategory(category, options);
}

/** Prints every event after `checkpoint` until `print` says it wants no more. */
async function drain(
  store: StreamStore,
  category: string | undefined,
  checkpoint: string | undefined,
  signal: AbortSignal,
  print: (event: RecordedEvent) => boolean,
): Promise<void> {
  for await (const event of readLog(store, category, { ...(checkpoint === undefined ? {} : { from: checkpoint }), signal })) {
    if (!print(event)) break;
  }
}

/**
 * Prints the last `count` events, oldest first: read backward from the end where the backend reads backward, else
 * (a custom backend without `backwardRead`) by scanning forward once, keeping `count` events in memory.
 */
async function printLast(
  store: StreamStore,
  category: string | undefined,
  count: number,
  signal: AbortSignal,
  print: (event: RecordedEvent) => boolean,
): Promise<void> {
  const kept: RecordedEvent[] = [];
  if (store.capabilities.backwardRead) {
    for await (const event of readLog(store, category, { direction: 'backward', maxCount: count, signal })) kept.push(event);
    kept.reverse();
  } else {
    for await (const event of readLog(store, category, { signal })) {
      kept.push(event);
      if (kept.length > count) kept.shift();
    }
  }
  for (const event of kept) if (!print(event)) break;
}

/** Adds the `tail` command to `program`. */
export function registerTailCommand(program: Command, io: CliIO): void {
  program
    .command('tail')
    .description('print the global log (every stream, in commit order); --follow keeps printing new events until Ctrl-C')
    .option('--category <name>', "only the streams of this category (the first part of a composite id: 'order' for order-42)")
    .option('--from <position>', 'start strictly after this position (a checkpoint printed earlier)')
    .option('--follow', 'keep polling for new events until interrupted')
    .option('--max <n>', 'stop after printing n events (also with --follow)', wholeNumber(1))
    .option('--last <n>', 'start with the last n events of the log (or of the category)', wholeNumber(1))
    .option('--interval <ms>', 'polling interval with --follow', wholeNumber(10), 500)
    .option('--json', 'one JSON object per line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore tail\n  $ streamstore tail --from 120 --follow\n  $ streamstore tail --last 20 --follow --max 100\n' +
        '  $ streamstore tail --category account --last 5',
    )
    .action(async (options: TailFlags, command: Command) => {
      if (options.last !== undefined && options.from !== undefined) {
        command.error('error: --last and --from both say where to start: pass one of them', {
          code: 'commander.conflictingOption',
        });
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let checkpoint = options.from;
      let printed = 0;
      const enough = () => options.max !== undefined && printed >= options.max;
      // Returns whether more events are wanted, so a reader stops at --max without fetching further pages.
      const print = (event: RecordedEvent): boolean => {
        if (enough()) return false;
        println(io, options.json ? eventToJson(event) : formatLine(event));
        printed++;
        checkpoint = event.position ?? checkpoint;
        return !enough();
      };
      try {
        await withStore(settingsOf(command, io), { purpose: 'read', provision: false }, async ({ store }) => {
          try {
            const { category } = options;
            if (options.last === undefined) await drain(store, category, checkpoint, controller.signal, print);
            else await printLast(store, category, options.last, controller.signal, print);
            while (options.follow && !controller.signal.aborted && !enough()) {
              await sleep(options.interval, undefined, { signal: controller.signal });
              await drain(store, category, checkpoint, controller.signal, print);
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
