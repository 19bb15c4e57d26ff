/**
 * Where the command's settings come from. Precedence, strongest first: command-line flags, environment
 * variables, the config file, built-in defaults. Pure functions over their inputs, so it is unit tested
 * without spawning the binary.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigurationError } from '@streamstore/core';
import type { BackendDescriptor } from '@streamstore/core/storage';
import { backendOfScheme } from './backend-descriptors.js';

/** A backend name: the `name` of an installed backend's descriptor (`memory`, `sqlite`, `postgres`, ...). */
export type BackendName = string;

/** Settings as given by one source: every field optional, paths as written. */
export interface PartialSettings {
  backend?: string;
  file?: string;
  dir?: string;
  url?: string;
  schema?: string;
  tenant?: string;
}

/** Settings after merging every source. Paths are absolute. */
export interface Settings {
  backend: BackendName;
  /** The installed backends the settings were resolved against (`discoverBackends`), `backend` among them. */
  backends: readonly BackendDescriptor[];
  /** SQLite database file (single-database mode). */
  file: string;
  /** SQLite directory holding a database file per tenant (multitenant mode). */
  dir: string;
  /** Connection string (PostgreSQL). */
  url?: string;
  /** PostgreSQL schema of the single store; in multitenant mode tenants get `<schema>_<tenant>`. */
  schema?: string;
  /** Tenant whose store the inspection commands open. */
  tenant?: string;
  /** Which source gave each field, for `streamstore info`. */
  sources: Record<keyof PartialSettings, SettingSource>;
  /** The config file that was read, if any. */
  configFile?: string;
}

/** Where a setting came from. */
export type SettingSource = 'flag' | 'env' | 'config' | 'default' | 'unset';

/** Default config file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = 'streamstore.config.json';

/** Built-in defaults (relative to the working directory). */
export const DEFAULTS = Object.freeze({ backend: 'sqlite', file: '.streamstore/demo.db', dir: '.streamstore/tenants' });

/** Environment variable of each setting. */
export const ENV_VARIABLES: Readonly<Record<keyof PartialSettings, string>> = Object.freeze({
  backend: 'STREAMSTORE_BACKEND',
  file: 'STREAMSTORE_FILE',
  dir: 'STREAMSTORE_DIR',
  url: 'STREAMSTORE_URL',
  schema: 'STREAMSTORE_SCHEMA',
  tenant: 'STREAMSTORE_TENANT',
});

/** Environment variable naming the config file (the `--config` flag wins over it). */
export const CONFIG_ENV_VARIABLE = 'STREAMSTORE_CONFIG';

const KEYS = Object.keys(ENV_VARIABLES) as Array<keyof PartialSettings>;
const PATH_KEYS = new Set<keyof PartialSettings>(['file', 'dir']);

/** The settings named by environment variables (empty values count as unset). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): PartialSettings {
  const settings: PartialSettings = {};
  for (const key of KEYS) {
    const value = env[ENV_VARIABLES[key]];
    if (value !== undefined && value !== '') settings[key] = value;
  }
  return settings;
}

/**
 * Parses a config file's JSON text. Relative paths in it are relative to the file's directory, so a project can
 * keep its config next to its data whatever the working directory is.
 * @throws ConfigurationError on invalid JSON, unknown keys or non-string values.
 */
export function parseConfigFile(text: string, path: string): PartialSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`Config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigurationError(`Config file ${path} must hold a JSON object`);
  }
  const settings: PartialSettings = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '$schema' || key === '$comment') continue;
    if (!KEYS.includes(key as keyof PartialSettings)) {
      throw new ConfigurationError(`Config file ${path}: unknown key '${key}' (known: ${KEYS.join(', ')})`);
    }
    if (typeof value !== 'string' || value === '') {
      throw new ConfigurationError(`Config file ${path}: '${key}' must be a non-empty string`);
    }
    const name = key as keyof PartialSettings;
    settings[name] = PATH_KEYS.has(name) && !isAbsolute(value) ? resolve(dirname(path), value) : value;
  }
  return settings;
}

/**
 * Reads the config file: the one named by `explicitPath` (which must exist), else `streamstore.config.json` in
 * `cwd` when present. Returns no settings when there is no file.
 */
export function loadConfigFile(explicitPath: string | undefined, cwd: string): { path?: string; settings: PartialSettings } {
  const path = resolve(cwd, explicitPath ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (explicitPath === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: {} };
    throw new ConfigurationError(`Cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { path, settings: parseConfigFile(text, path) };
}

/**
 * Merges the sources (flags > env > config file > defaults) and resolves paths against `cwd`. A URL whose scheme
 * names a backend chooses it over a backend from a weaker source, and must agree with one from the same source, so
 * a PostgreSQL URL never ends up ignored while the SQLite demo file is read. Backend names and URL schemes are the
 * ones `backends` (the installed backends' descriptors) declare.
 * @throws ConfigurationError for an unknown backend name, or a backend the URL contradicts.
 */
export function mergeSettings(sources: {
  flags: PartialSettings;
  env: PartialSettings;
  config: PartialSettings;
  cwd: string;
  backends: readonly BackendDescriptor[];
  configFile?: string;
}): Settings {
  const layers: Array<[SettingSource, PartialSettings]> = [
    ['flag', sources.flags],
    ['env', sources.env],
    ['config', sources.config],
    ['default', DEFAULTS],
  ];
  const picked: PartialSettings = {};
  const origin = {} as Record<keyof PartialSettings, SettingSource>;
  for (const key of KEYS) {
    origin[key] = 'unset';
    for (const [source, layer] of layers) {
      const value = layer[key];
      if (value !== undefined) {
        picked[key] = value;
        origin[key] = source;
        break;
      }
    }
  }
  const named = picked.url === undefined ? undefined : backendOfUrl(picked.url, sources.backends);
  if (named === null && strength(origin.url) > strength(origin.backend)) {
    throw unclaimedUrl(picked.url as string, origin.url, sources.backends);
  }
  // The URL chooses the backend when it was given more directly than the backend (a --url flag over a default or
  // an environment backend); a backend given more directly than the URL wins (the URL then only matters to it).
  if (typeof named === 'string' && strength(origin.url) > strength(origin.backend)) {
    picked.backend = named;
    origin.backend = origin.url;
  }
  const backend = picked.backend as string;
  if (!sources.backends.some((descriptor) => descriptor.name === backend)) {
    throw new ConfigurationError(
      `Unknown backend '${backend}' (from ${describeSource(origin.backend, 'backend')}): the installed ones are ` +
        `${installedNames(sources.backends)}; if '${backend}' is a StreamStore backend, run 'npm install @streamstore/${backend}' ` +
        'where the streamstore command is installed',
    );
  }
  if (typeof named === 'string' && named !== backend && strength(origin.url) === strength(origin.backend)) {
    throw new ConfigurationError(
      `--url names the ${named} backend (from ${describeSource(origin.url, 'url')}) but --backend is ${backend} ` +
        `(from ${describeSource(origin.backend, 'backend')}): drop one of them or make them agree`,
    );
  }
  const settings: Settings = {
    backend,
    backends: sources.backends,
    file: resolve(sources.cwd, picked.file as string),
    dir: resolve(sources.cwd, picked.dir as string),
    sources: origin,
  };
  if (picked.url !== undefined) settings.url = picked.url;
  if (picked.schema !== undefined) settings.schema = picked.schema;
  if (picked.tenant !== undefined) settings.tenant = picked.tenant;
  if (sources.configFile !== undefined) settings.configFile = sources.configFile;
  return settings;
}

/**
 * Resolves the settings of one run: reads the config file (`configPath`, else `$STREAMSTORE_CONFIG`, else
 * `./streamstore.config.json` if present) and merges it with the environment and the flags.
 */
export function resolveSettings(options: {
  flags: PartialSettings;
  backends: readonly BackendDescriptor[];
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): Settings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? (env[CONFIG_ENV_VARIABLE] || undefined);
  const config = loadConfigFile(explicit, cwd);
  const merged = { flags: options.flags, env: settingsFromEnv(env), config: config.settings, cwd, backends: options.backends };
  return mergeSettings(config.path === undefined ? merged : { ...merged, configFile: config.path });
}

/** The package of the backends of this repository, by the URL schemes they take: for messages only. */
const PACKAGE_OF_SCHEME: Readonly<Record<string, string>> = Object.freeze({
  postgres: '@streamstore/postgres',
  postgresql: '@streamstore/postgres',
  cassandra: '@streamstore/cassandra',
  s3: '@streamstore/s3',
});

/** `scheme://...` */
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * The backend whose descriptor takes `url`'s scheme; `null` for a URL whose scheme no installed backend takes;
 * undefined for a string without a scheme.
 */
function backendOfUrl(url: string, backends: readonly BackendDescriptor[]): string | null | undefined {
  if (!URL_SCHEME.test(url)) return undefined;
  return backendOfScheme(url, backends)?.name ?? null;
}

/**
 * The error for a URL no installed backend takes, when it would have chosen the backend: refused rather than ignored,
 * so a PostgreSQL URL never ends up unused while the SQLite demo file is read.
 */
function unclaimedUrl(url: string, source: SettingSource, backends: readonly BackendDescriptor[]): ConfigurationError {
  const scheme = (URL_SCHEME.exec(url)?.[1] ?? '').toLowerCase();
  const known = PACKAGE_OF_SCHEME[scheme];
  return new ConfigurationError(
    `--url (from ${describeSource(source, 'url')}) is a '${scheme}:' URL, which no installed backend takes ` +
      `(installed: ${installedNames(backends)}): ` +
      (known
        ? `run 'npm install ${known}' where the streamstore command is installed`
        : `install the backend package that takes '${scheme}:' URLs`),
  );
}

function installedNames(backends: readonly BackendDescriptor[]): string {
  return backends.map((descriptor) => descriptor.name).join(', ');
}

/** How directly a source gives a setting: flags over env over the config file over defaults. */
function strength(source: SettingSource): number {
  return { flag: 4, env: 3, config: 2, default: 1, unset: 0 }[source];
}

function describeSource(source: SettingSource, key: keyof PartialSettings): string {
  switch (source) {
    case 'flag':
      return `the --${key} flag`;
    case 'env':
      return `$${ENV_VARIABLES[key]}`;
    case 'config':
      return 'the config file';
    default:
      return 'the defaults';
  }
}
