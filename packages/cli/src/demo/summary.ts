/** Prints the demo's summary and verification, and tells whether everything checked out. */
import type { Palette } from '../terminal.js';
import type { DemoOptions, DemoResult } from './demo-types.js';
import type { NotableLog } from './notable-log.js';
import { addStats, emptyStats } from './stats.js';
import type { StoreCheck } from './verify.js';
import type { Workload } from './workload.js';

/** Streams listed one per line in the verification; beyond that only failing ones are. */
const STREAM_LINES = 12;

/** What the summary is made of. */
export interface SummaryInput {
  options: DemoOptions;
  workloads: readonly Workload[];
  checks: readonly StoreCheck[];
  elapsedMs: number;
  backendLabel: string;
  palette: Palette;
  log: NotableLog;
  print(line: string): void;
}

const number = (value: number) => value.toLocaleString('en-US');

/** Prints the summary, the verification and the verdict. */
export function printSummary(input: SummaryInput): DemoResult {
  const { options, workloads, checks, elapsedMs, palette, print } = input;
  const stats = workloads.map((workload) => workload.stats).reduce(addStats, emptyStats());
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(stats.events / seconds) : stats.events;
  const tenantsNote = options.mode === 'multitenant' ? ` in each of ${workloads.length} tenants` : '';
  const row = (label: string, text: string) => print(`  ${label.padEnd(11)} ${text}`);

  for (const [kind, count] of input.log.hiddenCounts()) {
    print(palette.dim(`  (+${count} more ${kind} lines not shown; --verbose shows them all)`));
  }
  print('');
  print(palette.bold('Summary'));
  row('backend', input.backendLabel);
  row('mode', options.mode === 'multitenant' ? `multitenant: ${options.tenants.join(', ')}` : 'single database');
  row('streams', `${options.streams}${tenantsNote}, shared by ${options.writers} writers and ${options.readers} readers`);
  row('events', `${number(stats.events)} written in ${number(stats.commits)} commits`);
  row(
    'conflicts',
    `${number(stats.conflicts)} caught (StreamConcurrencyError with the actual revision), ` +
      `${number(stats.retries)} retries after re-reading: every batch committed`,
  );
  row(
    'idempotent',
    `${number(stats.idempotentRetries)} committed batches re-sent with the same event ids: original revision returned, nothing written twice`,
  );
  row('duplicates', `${number(stats.duplicatesRefused)} batch(es) mixing committed and new ids refused (DuplicateEventError)`);
  row('reads', `${number(stats.reads)} stream reads (${number(stats.eventsRead)} events) while writers wrote`);
  row('elapsed', `${seconds.toFixed(2)} s, ${number(rate)} events/s`);
  if (options.mode === 'multitenant') {
    for (const workload of workloads) {
      row(`  ${workload.tenant}`, `${number(workload.stats.events)} events, ${number(workload.stats.conflicts)} conflicts`);
    }
  }

  print('');
  print(palette.bold('Verification (every stream read back)'));
  const ok = (text: string) => `  ${palette.green('✔')} ${text}`;
  const bad = (text: string) => `  ${palette.red('✘')} ${text}`;
  for (const check of checks) {
    const prefix = check.tenant ? `${check.tenant}/` : '';
    const many = check.streams.length > STREAM_LINES;
    for (const stream of check.streams) {
      const sound = stream.problems.length === 0;
      if (many && sound) continue;
      const text = sound
        ? `${prefix}${stream.streamId}  revisions 1..${stream.revision}, no gap, balance ${stream.balance} never negative, ` +
          `${stream.fromThisRun} events of this run`
        : `${prefix}${stream.streamId}  up to revision ${stream.revision}: ${stream.problems.slice(0, 3).join('; ')}`;
      print(sound ? ok(text) : bad(text));
    }
    if (many) {
      const sound = check.streams.filter((stream) => stream.problems.length === 0).length;
      print(ok(`${prefix}${sound} of ${check.streams.length} streams: revisions 1..N with no gap, balances never below 0`));
    }
    const found = `${prefix === '' ? '' : `tenant ${check.tenant}: `}${number(check.found)} of ${number(check.committed)} events of this run found, each exactly once`;
    print(check.found === check.committed ? ok(found) : bad(found));
  }
  if (options.mode === 'multitenant') {
    const foreign = checks.reduce((sum, check) => sum + check.foreign, 0);
    const holdings = checks.map((check) => `${check.tenant} holds ${number(check.events)} events`).join(', ');
    const text = `isolation: ${holdings}; same stream ids in every tenant, ${foreign} event(s) crossed tenants`;
    print(foreign === 0 ? ok(text) : bad(text));
  }
  for (const problem of stats.problems) print(bad(problem));

  const verified = checks.every((check) => check.ok) && stats.problems.length === 0;
  print('');
  print(
    verified
      ? palette.green(palette.bold('✔ verified: every stream is whole and ordered, every committed event stored exactly once'))
      : palette.red(palette.bold('✘ verification failed (see above)')),
  );
  return { verified, stats, checks: [...checks] };
}
