import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverBackends } from '../src/backend-descriptors.js';
import { loadConfigFile, mergeSettings, parseConfigFile, resolveSettings, settingsFromEnv } from '../src/config.js';
import { removeDir, tempDir } from './cli-harness.js';

const backends = await discoverBackends();

const dir = tempDir();
afterAll(() => removeDir(dir));

describe('config precedence', () => {
  it('uses the defaults when nothing is given', () => {
    const settings = mergeSettings({ flags: {}, env: {}, config: {}, cwd: '/work', backends });
    expect(settings.backend).toBe('sqlite');
    expect(settings.file).toBe('/work/.streamstore/demo.db');
    expect(settings.dir).toBe('/work/.streamstore/tenants');
    expect(settings.url).toBeUndefined();
    expect(settings.sources).toEqual({
      backend: 'default',
      file: 'default',
      dir: 'default',
      url: 'unset',
      schema: 'unset',
      tenant: 'unset',
    });
  });

  it('ranks flags over env over config file over defaults, field by field', () => {
    const settings = mergeSettings({
      flags: { backend: 'memory' },
      env: { backend: 'postgres', url: 'postgres://env', tenant: 'acme' },
      config: { backend: 'sqlite', url: 'postgres://config', file: '/data/events.db' },
      cwd: '/work',
      backends,
    });
    expect(settings.backend).toBe('memory');
    expect(settings.url).toBe('postgres://env');
    expect(settings.tenant).toBe('acme');
    expect(settings.file).toBe('/data/events.db');
    expect(settings.sources).toMatchObject({ backend: 'flag', url: 'env', tenant: 'env', file: 'config', dir: 'default' });
  });

  it('reads the STREAMSTORE_* variables and ignores empty ones', () => {
    expect(
      settingsFromEnv({
        STREAMSTORE_BACKEND: 'memory',
        STREAMSTORE_FILE: 'x.db',
        STREAMSTORE_URL: '',
        STREAMSTORE_TENANT: 'acme',
        OTHER: '1',
      }),
    ).toEqual({ backend: 'memory', file: 'x.db', tenant: 'acme' });
  });

  it('rejects an unknown backend and names where it came from', () => {
    expect(() => mergeSettings({ flags: {}, env: { backend: 'oracle' }, config: {}, cwd: '/', backends })).toThrow(
      /Unknown backend 'oracle' \(from \$STREAMSTORE_BACKEND\)/,
    );
  });
});

describe('config file', () => {
  it('resolves relative paths against the file, not the working directory', () => {
    const settings = parseConfigFile(
      '{"backend":"sqlite","file":"data/a.db","dir":"/abs/tenants"}',
      '/project/streamstore.config.json',
    );
    expect(settings).toEqual({ backend: 'sqlite', file: '/project/data/a.db', dir: '/abs/tenants' });
  });

  it('refuses invalid JSON, non-objects, unknown keys and non-string values with a ConfigurationError', () => {
    expect(() => parseConfigFile('{', '/c.json')).toThrow(expect.objectContaining({ code: 'CONFIGURATION' }));
    expect(() => parseConfigFile('[]', '/c.json')).toThrow(/must hold a JSON object/);
    expect(() => parseConfigFile('{"bakend":"sqlite"}', '/c.json')).toThrow(/unknown key 'bakend'/);
    expect(() => parseConfigFile('{"file":3}', '/c.json')).toThrow(/'file' must be a non-empty string/);
  });

  it('is optional when not named, required when named', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(loadConfigFile(undefined, empty)).toEqual({ settings: {} });
    expect(() => loadConfigFile('missing.json', empty)).toThrow(/Cannot read config file/);
  });

  it('finds ./streamstore.config.json, and --config or $STREAMSTORE_CONFIG replace it', () => {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'streamstore.config.json'), '{"backend":"memory","tenant":"acme"}');
    writeFileSync(join(project, 'other.json'), '{"backend":"postgres","url":"postgres://other"}');
    expect(resolveSettings({ flags: {}, backends, env: {}, cwd: project })).toMatchObject({
      backend: 'memory',
      tenant: 'acme',
      configFile: join(project, 'streamstore.config.json'),
    });
    expect(resolveSettings({ flags: {}, backends, env: { STREAMSTORE_CONFIG: 'other.json' }, cwd: project }).backend).toBe(
      'postgres',
    );
    const flagged = resolveSettings({ flags: { backend: 'sqlite' }, backends, configPath: 'other.json', env: {}, cwd: project });
    expect(flagged).toMatchObject({ backend: 'sqlite', url: 'postgres://other', sources: { backend: 'flag', url: 'config' } });
  });
});
