/** `streamstore migrate`: provision the schema, or print the migrations provisioning would apply. */
import type { MigrationStep } from '@streamstore/core/storage';
import type { Command } from 'commander';
import { type CliIO, println, settingsOf } from '../cli-io.js';
import { withStore } from '../open-store.js';

function printPlan(io: CliIO, steps: readonly MigrationStep[]): void {
  for (const step of steps) {
    println(io, `-- migration ${step.version}: ${step.description}`);
    for (const statement of step.statements)
      println(io, statement.trim().endsWith(';') ? statement.trim() : `${statement.trim()};`);
    println(io);
  }
}

/** Adds the `migrate` command to `program`. */
export function registerMigrateCommand(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('create or migrate the schema (idempotent); --print only shows the planned migrations')
    .option('--print', 'print the migrations that would run, change nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  $ streamstore migrate --print\n  $ streamstore migrate --backend postgres --url postgres://127.0.0.1/app',
    )
    .action(async (options: { print?: boolean }, command: Command) => {
      const settings = settingsOf(command, io);
      const purpose = options.print ? 'inspect' : 'write';
      await withStore(settings, { purpose, provision: false }, async ({ store, target }) => {
        const plan = await store.planMigrations();
        if (options.print) {
          println(io, `-- ${plan.length} migration(s) planned for ${settings.backend} at ${target}`);
          if (plan.length === 0) println(io, '-- the schema is up to date: nothing to run');
          println(io);
          printPlan(io, plan);
          return;
        }
        await store.provision();
        const applied = plan.map((step) => `${step.version} (${step.description})`).join(', ');
        println(
          io,
          plan.length === 0
            ? `schema of ${settings.backend} at ${target} is up to date`
            : `provisioned ${settings.backend} at ${target}: ${applied}`,
        );
      });
    });
}
