/**
 * `streamstore scavenge`: removes for good the events stream retention hides (`store.scavenge`), every stream or the
 * `--stream` ones, in bounded batches, with a progress line and a summary. Ctrl-C stops it between batches; running
 * it again resumes (scavenging keeps no state).
 */
import { NotSupportedError, type ScavengeProgress } from '@streamstore/core';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliIO, println, settingsOf, wholeNumber } from '../cli-io.js';
import { ReportedFailure } from '../exit-codes.js';
import { withStore } from '../open-store.js';
import { createProgress } from '../progress.js';

interface ScavengeFlags {
  stream?: string[];
  batchSize?: number;
  quiet?: boolean;
}

/** Most batch sizes `store.scavenge` takes (its own limit). */
const MAX_BATCH_SIZE = 100_000;
/** The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it). */
const INTERRUPTED = 130;
/** Least time between two progress lines on a pipe, ms. */
const PROGRESS_INTERVAL_MS = 1000;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function batchSize(value: string): number {
  const parsed = wholeNumber(1)(value);
  if (parsed > MAX_BATCH_SIZE) throw new InvalidArgumentError(`Must be at most ${MAX_BATCH_SIZE}.`);
  return parsed;
}

/** `n event(s) removed in s (r events/s)`, the rate rounded to a whole number. */
function rateOf(events: number, ms: number): string {
  const seconds = Math.max(ms, 1) / 1000;
  return `${events} event(s) removed in ${seconds.toFixed(2)} s (${Math.round(events / seconds)} events/s)`;
}

/** Adds the `scavenge` command to `program`. */
export function registerScavengeCommand(program: Command, io: CliIO): void {
  program
    .command('scavenge')
    .description('remove for good the events that stream retention (maxCount, maxAgeSeconds, truncateBefore) hides')
    .option('--stream <id>', 'scavenge this stream (repeatable); default: every stream', collect)
    .option(
      '--batch-size <n>',
      `events removed per storage step, 1 to ${MAX_BATCH_SIZE} (default: the backend's, SQLite 500, PostgreSQL 5000)`,
      batchSize,
    )
    .option('--quiet', 'print the summary only')
    .addHelpText(
      'after',
      '\nCtrl-C stops between batches; running the command again resumes.\n' +
        '\nExamples:\n  $ streamstore scavenge --file ./events.db\n' +
        '  $ streamstore scavenge --stream sensor-7 --stream sensor-8 --batch-size 5000\n' +
        '  $ streamstore scavenge --backend postgres --url postgres://postgres@127.0.0.1:5432/app',
    )
    .action(async (options: ScavengeFlags, command: Command) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const progress = createProgress(io.stdout);
      try {
        await withStore(settingsOf(command, io), { purpose: 'write', provision: false }, async ({ store, backend, target }) => {
          if (!store.capabilities.scavenge) {
            throw new NotSupportedError(
              'scavenge',
              `The ${backend.name} backend cannot remove events, so it cannot be scavenged (its reads apply retention all the same); scavenging needs memory, sqlite or postgres`,
            );
          }
          const started = performance.now();
          let latest: ScavengeProgress | undefined;
          let printedAt = started;
          const onProgress = (now: ScavengeProgress) => {
            latest = now;
            const at = performance.now();
            if (options.quiet || at - printedAt < PROGRESS_INTERVAL_MS) return;
            printedAt = at;
            progress.log(
              `scavenging ${now.streamId}: ${now.streamsVisited} stream(s) done, ${rateOf(now.eventsRemoved, at - started)}`,
            );
          };
          try {
            const result = await store.scavenge({
              ...(options.stream ? { streams: options.stream } : {}),
              ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
              signal: controller.signal,
              onProgress,
            });
            const ms = performance.now() - started;
            println(io, `scavenged ${target}: ${result.streamsVisited} stream(s) visited, ${rateOf(result.eventsRemoved, ms)}`);
          } catch (error) {
            if (!controller.signal.aborted) throw error;
            const ms = performance.now() - started;
            const removed = latest?.eventsRemoved ?? 0;
            io.stderr.write(
              `interrupted: ${latest?.streamsVisited ?? 0} stream(s) visited, ${rateOf(removed, ms)}; run the command again to resume\n`,
            );
            throw new ReportedFailure('scavenge interrupted', INTERRUPTED);
          }
        });
      } finally {
        progress.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
