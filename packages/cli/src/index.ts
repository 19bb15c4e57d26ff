/**
 * `@streamstore/cli`: the `streamstore` command as a library, for embedding it or testing it in-process.
 * @example import { main } from '@streamstore/cli'; process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
 */

export { backendDescriptor, backendOfScheme, discoverBackends } from './backend-descriptors.js';
export {
  type BackendEntry,
  type BackendPurpose,
  type BackendRequest,
  backendEntries,
  backendEntry,
  redactUrl,
} from './backends.js';
export type { CliIO } from './cli-io.js';
export {
  type BackendName,
  DEFAULTS,
  ENV_VARIABLES,
  loadConfigFile,
  mergeSettings,
  type PartialSettings,
  parseConfigFile,
  resolveSettings,
  type Settings,
  settingsFromEnv,
} from './config.js';
export { EXIT } from './exit-codes.js';
export { type OpenedStore, openStore } from './open-store.js';
export { createProgram, main } from './program.js';
