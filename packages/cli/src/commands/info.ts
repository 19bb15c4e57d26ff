/** `streamstore info`: which backend and settings a run would use, and what the backend supports. */
import type { Command } from 'commander';
import { CAPABILITY_NAMES } from '../backends.js';
import { type CliIO, println, settingsOf } from '../cli-io.js';
import { withStore } from '../open-store.js';

/** Adds the `info` command to `program`. */
export function registerInfoCommand(program: Command, io: CliIO): void {
  program
    .command('info')
    .description('show the backend, where its data lives, its capabilities and limits, and where each setting came from')
    .option('--json', 'one JSON object')
    .addHelpText('after', '\nExamples:\n  $ streamstore info\n  $ STREAMSTORE_BACKEND=memory streamstore info --json')
    .action(async (options: { json?: boolean }, command: Command) => {
      const settings = settingsOf(command, io);
      await withStore(settings, { purpose: 'inspect', provision: false }, async ({ store, backend, target }) => {
        const capabilities = Object.fromEntries(
          CAPABILITY_NAMES.filter((name) => store.capabilities[name] !== undefined).map((name) => [
            name,
            store.capabilities[name],
          ]),
        );
        const info = {
          backend: settings.backend,
          description: backend.description,
          target,
          tenant: settings.tenant ?? null,
          configFile: settings.configFile ?? null,
          sources: settings.sources,
          capabilities,
          limits: { ...store.limits },
        };
        if (options.json) {
          println(io, JSON.stringify(info));
          return;
        }
        const row = (label: string, value: string) => println(io, `${label.padEnd(13)} ${value}`);
        row('backend', `${settings.backend}: ${backend.description}`);
        row('target', target);
        row('tenant', settings.tenant ?? '(none: single database)');
        row('config file', settings.configFile ?? '(none)');
        row(
          'settings',
          Object.entries(settings.sources)
            .map(([key, source]) => `${key} from ${source}`)
            .join(', '),
        );
        row(
          'capabilities',
          Object.entries(capabilities)
            .map(([name, value]) => (typeof value === 'boolean' ? `${name} ${value ? 'yes' : 'no'}` : `${name} ${value}`))
            .join(', '),
        );
        // The limits in force, in the store's order; a count limit only shows where the backend has a hard one.
        row(
          'limits',
          Object.entries(store.limits)
            .filter(([, value]) => value !== undefined)
            .map(([name, value]) => `${name} ${value}`)
            .join(', '),
        );
      });
    });
}
