/** `streamstore demo`: the example app: concurrent writers and readers on shared streams, then a verification. */
import { TENANT_ID_PATTERN } from '@streamstore/core/storage';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CliIO, settingsOf, wholeNumber } from '../cli-io.js';
import { type DemoOptions, runDemo } from '../demo/run-demo.js';
import { ReportedFailure } from '../exit-codes.js';
import { createProgress } from '../progress.js';
import { paletteFor } from '../terminal.js';

interface DemoFlags {
  mode: 'single' | 'multitenant';
  writers: number;
  readers: number;
  streams: number;
  events: number;
  seed?: number;
  tenants: string[];
  verbose?: boolean;
}

function tenantList(value: string): string[] {
  const tenants = value.split(',').map((tenant) => tenant.trim());
  for (const tenant of tenants) {
    if (!TENANT_ID_PATTERN.test(tenant))
      throw new InvalidArgumentError(`Tenant id '${tenant}' must match ${TENANT_ID_PATTERN.source}.`);
  }
  if (new Set(tenants).size !== tenants.length) throw new InvalidArgumentError('Tenant ids must differ.');
  return tenants;
}

/** Adds the `demo` command to `program`. */
export function registerDemoCommand(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description(
      'run the example app: concurrent writers and readers on shared streams, conflicts caught and retried, ' +
        'idempotent retries, then a summary and a verification',
    )
    .addOption(
      new Option('--mode <mode>', 'one database, or several isolated tenants')
        .choices(['single', 'multitenant'])
        .default('single'),
    )
    .option('--writers <n>', 'concurrent writers (per tenant)', wholeNumber(1), 4)
    .option('--readers <n>', 'concurrent readers (per tenant)', wholeNumber(0), 2)
    .option('--streams <n>', 'shared streams (per tenant)', wholeNumber(1), 8)
    .option('--events <n>', 'events to write (per tenant)', wholeNumber(1), 400)
    .option('--seed <n>', 'seed of the random choices (default: random, printed)', wholeNumber(0))
    .addOption(
      new Option('--tenants <ids>', 'comma-separated tenants of --mode multitenant')
        .argParser(tenantList)
        .default(['acme', 'globex'], 'acme,globex'),
    )
    .option('--verbose', 'print every conflict, retry and idempotent retry')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore demo\n  $ streamstore demo --backend memory --writers 8 --events 2000\n' +
        '  $ streamstore demo --mode multitenant --tenants acme,globex,initech\n' +
        '  $ streamstore demo --backend postgres --url postgres://postgres@127.0.0.1:5432/postgres',
    )
    .action(async (flags: DemoFlags, command: Command) => {
      const settings = settingsOf(command, io);
      const options: DemoOptions = {
        mode: flags.mode,
        writers: flags.writers,
        readers: flags.readers,
        streams: flags.streams,
        events: flags.events,
        seed: flags.seed ?? Math.floor(Math.random() * 1_000_000),
        tenants: flags.tenants,
        verbose: flags.verbose === true,
      };
      const result = await runDemo(settings, options, {
        palette: paletteFor(io.stdout, io.env),
        progress: createProgress(io.stdout),
      });
      if (!result.verified) throw new ReportedFailure('demo verification failed');
    });
}
