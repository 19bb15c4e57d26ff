/** The `streamstore` program: global options, the commands, and usage errors mapped to exit code 2. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { discoverBackends } from './backend-descriptors.js';
import type { CliIO } from './cli-io.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerConsumersCommand } from './commands/consumers.js';
import { registerDeadLettersCommand } from './commands/dead-letters.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerInfoCommand } from './commands/info.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerOutboxCommand } from './commands/outbox.js';
import { registerReadCommand } from './commands/read.js';
import { registerScavengeCommand } from './commands/scavenge.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStreamsCommand } from './commands/streams.js';
import { registerTailCommand } from './commands/tail.js';
import { CONFIG_ENV_VARIABLE, DEFAULT_CONFIG_FILE, ENV_VARIABLES } from './config.js';
import { reportError } from './exit-codes.js';

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const ENVIRONMENT_HELP = `
Settings: flags win over environment variables, which win over the config file
(--config, $${CONFIG_ENV_VARIABLE}, else ./${DEFAULT_CONFIG_FILE} when present), which wins over defaults.
Environment: ${Object.values(ENV_VARIABLES).join(', ')}
Config file: {"backend": "sqlite", "file": "data/events.db", "dir": "data/tenants", "url": "...", "schema": "...", "tenant": "acme"}

Exit codes: 0 done, 1 failed (error: <message> (<code>)), 2 bad command line.`;

/** Builds the program; `io` receives every byte it prints. */
export function createProgram(io: CliIO): Command {
  const program = new Command('streamstore')
    .description('StreamStore: asynchronous event-sourcing persistence. Run the demo, inspect and migrate event stores.')
    .version(packageVersion(), '-V, --version')
    // Not commander's choices: a backend that is not installed is a configuration error naming its package (exit 3).
    .option('--backend <name>', `storage backend: ${io.backends.map((backend) => backend.name).join(', ')} (default: sqlite)`)
    .option('--file <path>', 'SQLite database file (default: ./.streamstore/demo.db)')
    .option('--dir <path>', 'SQLite directory with a database per tenant (default: ./.streamstore/tenants)')
    .option(
      '--url <connection-string>',
      'connection string: postgres://..., cassandra://host:9042/keyspace?dc=..., s3://bucket/prefix/?endpoint=...',
    )
    .option('--schema <name>', 'PostgreSQL schema or Cassandra keyspace (default: streamstore; tenants get <schema>_<tenant>)')
    .option('--tenant <id>', "open this tenant's store instead of the single database")
    .option('--config <path>', `config file (default: ./${DEFAULT_CONFIG_FILE} when present)`)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError("(run 'streamstore --help' for usage)")
    .addHelpText('after', ENVIRONMENT_HELP);

  registerDemoCommand(program, io);
  registerStreamsCommand(program, io);
  registerReadCommand(program, io);
  registerTailCommand(program, io);
  registerConsumersCommand(program, io);
  registerDeadLettersCommand(program, io);
  registerMigrateCommand(program, io);
  registerScavengeCommand(program, io);
  registerInfoCommand(program, io);
  registerBenchCommand(program, io);
  registerServeCommand(program, io);
  registerOutboxCommand(program, io);

  // A usage error prints commander's one-line error, then the command's usage line: short, not the whole help.
  for (const command of program.commands) {
    command.showHelpAfterError(
      `Usage: streamstore ${command.name()} ${command.usage()}\n(run 'streamstore ${command.name()} --help' for details)`,
    );
  }
  return program;
}

/**
 * Runs the command line `argv` (as `process.argv`) and resolves with the exit code. The backends are the ones
 * installed beside the command (see `discoverBackends`), unless `io` names them.
 */
export async function main(
  argv: readonly string[],
  io: Omit<CliIO, 'backends'> & Partial<Pick<CliIO, 'backends'>>,
): Promise<number> {
  const program = createProgram({ ...io, backends: io.backends ?? (await discoverBackends()) });
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    return reportError(error, io.stderr);
  }
}
