/** What every command gets: its streams, environment and working directory, and the settings of the run. */
import type { BackendDescriptor } from '@streamstore/core/storage';
import { type Command, InvalidArgumentError } from 'commander';
import { resolveSettings, type Settings } from './config.js';

/** The process surroundings of one run (replaceable in tests). */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The installed backends (`discoverBackends`), found once per run. */
  backends: readonly BackendDescriptor[];
}

/** The global flags, as commander parses them. */
interface GlobalFlags {
  backend?: string;
  file?: string;
  dir?: string;
  url?: string;
  schema?: string;
  tenant?: string;
  config?: string;
}

/** The settings of `command`: its global flags over the environment over the config file over the defaults. */
export function settingsOf(command: Command, io: CliIO): Settings {
  const { config, ...flags } = command.optsWithGlobals<GlobalFlags>();
  const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const base = { flags: defined, env: io.env, cwd: io.cwd, backends: io.backends };
  return resolveSettings(config === undefined ? base : { ...base, configPath: config });
}

/** A commander parser for whole numbers of at least `min` (bad values are usage errors, exit 2). */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value)) throw new InvalidArgumentError('Expected a whole number.');
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new InvalidArgumentError('Number too large.');
    if (parsed < min) throw new InvalidArgumentError(`Must be at least ${min}.`);
    return parsed;
  };
}

/** Writes one line to stdout. */
export function println(io: CliIO, line = ''): void {
  io.stdout.write(`${line}\n`);
}
