/** A progress bar on a TTY, silence on a pipe; notable lines are printed above the bar. */
import cliProgress from 'cli-progress';
import { isInteractive } from './terminal.js';

/** Progress of one long task, plus a way to print lines without tearing the bar. */
export interface Progress {
  /** Prints one line (above the bar while it runs). */
  log(line: string): void;
  /** Shows a bar for `total` units. */
  start(total: number, label: string): void;
  increment(units: number): void;
  /** Removes the bar. */
  stop(): void;
}

/**
 * A progress reporter writing to `stream`. The bar appears only when `stream` is a TTY, so piped output
 * stays plain text, one line per notable thing.
 */
export function createProgress(stream: NodeJS.WriteStream): Progress {
  if (!isInteractive(stream)) {
    return {
      log: (line) => stream.write(`${line}\n`),
      start: () => {},
      increment: () => {},
      stop: () => {},
    };
  }
  let multibar: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  return {
    log(line) {
      if (multibar) multibar.log(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    start(total, label) {
      multibar = new cliProgress.MultiBar(
        {
          stream,
          format: `  ${label} [{bar}] {percentage}% | {value}/{total} events | {duration_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
          barsize: 30,
          fps: 12,
        },
        cliProgress.Presets.shades_classic,
      );
      bar = multibar.create(total, 0);
    },
    increment(units) {
      bar?.increment(units);
    },
    stop() {
      multibar?.stop();
      multibar = undefined;
      bar = undefined;
    },
  };
}
