/**
 * The server backends, drivers, broker clients and the HTTP server are optional peers of the command: one that is
 * not installed is a ConfigurationError (exit code 3) naming the package to install, never a stack trace.
 * (The installed case end to end: scripts/docs/cli-install.mjs, run by `npm run test:docs`.)
 */
import { ConfigurationError } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { importOptional } from '../src/optional-package.js';

describe('optional packages of the command', () => {
  it('a package that is not installed is a ConfigurationError naming what to install, with the cause', async () => {
    const error = (await importOptional(
      '@example-scope/not-installed',
      'The postgres backend',
      '@example-scope/not-installed',
    ).then(
      () => undefined,
      (failure: unknown) => failure,
    )) as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('The postgres backend needs @example-scope/not-installed');
    expect(error.message).toContain("npm install @example-scope/not-installed'");
    expect((error.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('names the packages to install, the missing one by default', async () => {
    await expect(importOptional('no-such-driver-package', 'streamstore bench')).rejects.toThrow(
      "streamstore bench needs no-such-driver-package, which is not installed (no-such-driver-package is missing): run 'npm install no-such-driver-package'",
    );
  });

  it('an installed package loads', async () => {
    const commander = await importOptional<{ Command: unknown }>('commander', 'the command line');
    expect(typeof commander.Command).toBe('function');
  });
});
