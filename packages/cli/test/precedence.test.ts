import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const cwd = tempDir();
beforeAll(() => {
  mkdirSync(join(cwd, 'conf'));
  writeFileSync(join(cwd, 'streamstore.config.json'), JSON.stringify({ backend: 'memory', tenant: 'fromconfig' }));
  writeFileSync(join(cwd, 'conf', 'alt.json'), JSON.stringify({ backend: 'sqlite', file: 'alt.db' }));
  return ensureBuilt();
}, 240_000);
afterAll(() => removeDir(cwd));

async function info(args: string[], env: Record<string, string> = {}) {
  const run = await runCli(['info', '--json', ...args], { cwd, env });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('settings precedence through the binary: flags > env > config file > defaults', () => {
  it('reads ./streamstore.config.json when present', async () => {
    expect(await info([])).toMatchObject({
      backend: 'memory',
      tenant: 'fromconfig',
      configFile: join(cwd, 'streamstore.config.json'),
      sources: { backend: 'config', tenant: 'config', file: 'default' },
    });
  });

  it('environment variables win over the config file', async () => {
    expect(await info([], { STREAMSTORE_TENANT: 'fromenv' })).toMatchObject({
      backend: 'memory',
      tenant: 'fromenv',
      sources: { tenant: 'env', backend: 'config' },
    });
  });

  it('flags win over the environment, before or after the command name', async () => {
    expect(await info(['--tenant', 'fromflag'], { STREAMSTORE_TENANT: 'fromenv' })).toMatchObject({
      tenant: 'fromflag',
      sources: { tenant: 'flag' },
    });
    const before = await runCli(['--tenant', 'first', 'info', '--json'], { cwd });
    expect(JSON.parse(before.stdout).tenant).toBe('first');
  });

  it('--config (or $STREAMSTORE_CONFIG) names another file; its relative paths are relative to it', async () => {
    const viaFlag = await runCli(['info', '--json', '--config', 'conf/alt.json'], { cwd });
    expect(viaFlag.code).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({ backend: 'sqlite', target: join(cwd, 'conf', 'alt.db'), tenant: null });
    expect(await info([], { STREAMSTORE_CONFIG: 'conf/alt.json', STREAMSTORE_BACKEND: 'memory' })).toMatchObject({
      backend: 'memory',
      sources: { backend: 'env' },
    });
  });

  it('a named config file that does not exist is an error', async () => {
    const run = await runCli(['info', '--config', 'nope.json'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: Cannot read config file .*nope\.json.*\(CONFIGURATION\)\n$/);
  });
});
