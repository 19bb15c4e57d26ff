import { ConfigurationError, memoryStorage } from '@streamstore/core';
import { memoryDescriptor } from '@streamstore/core/storage';
import { describe, expect, it } from 'vitest';
import { discoverBackends } from '../src/backend-descriptors.js';
import { backendEntries, backendEntry, redactUrl } from '../src/backends.js';
import { mergeSettings } from '../src/config.js';

const backends = await discoverBackends();

describe('backend registry', () => {
  it('has an entry for every installed backend, named as its descriptor, described by it', () => {
    const entries = backendEntries(backends);
    expect(entries.map((entry) => entry.name)).toEqual(backends.map((descriptor) => descriptor.name));
    const postgres = backends.find((descriptor) => descriptor.name === 'postgres');
    expect(backendEntry('postgres', backends).description).toBe(postgres?.description);
    expect(typeof backendEntry('postgres', backends).consumerState).toBe('function');
    expect(typeof backendEntry('cassandra', backends).consumerState).toBe('function');
    expect(backendEntry('s3', backends).consumerState).toBeUndefined();
  });

  it('takes a server backend from its descriptor alone: one the command was never told about works', async () => {
    const opened: string[] = [];
    const custom = {
      ...memoryDescriptor,
      name: 'acme',
      packageName: '@acme/streamstore-backend',
      description: 'a backend of its own',
      urlSchemes: ['acme'],
      storageFromUrl: async (url: string) => {
        opened.push(url);
        return memoryStorage();
      },
      multitenantFromUrl: async () => memoryStorage.multitenant(),
    };
    const settings = mergeSettings({
      flags: { url: 'acme://x/y' },
      env: {},
      config: {},
      cwd: '/',
      backends: [...backends, custom],
    });
    expect(settings.backend).toBe('acme');
    const storage = await backendEntry(settings.backend, settings.backends).open({ settings, purpose: 'read' });
    await storage.close();
    expect(opened).toEqual(['acme://x/y']);
    expect(() => backendEntry('nosuch', backends)).toThrow(ConfigurationError);
    expect(() => mergeSettings({ flags: { backend: 'nosuch' }, env: {}, config: {}, cwd: '/', backends })).toThrow(
      /Unknown backend 'nosuch' \(from the --backend flag\): the installed ones are memory, .*npm install @streamstore\/nosuch/,
    );
  });

  it('never shows passwords in targets', async () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/events')).toBe('postgres://app:***@db:5432/events');
    const target = (backend: string, url: string, tenant?: string) => {
      const settings = mergeSettings({ flags: { backend, url }, env: {}, config: {}, cwd: '/', backends });
      return backendEntry(settings.backend, backends).describeTarget(settings, tenant);
    };
    expect(await target('postgres', 'postgres://app:s3cret@db/events')).toBe('postgres://app:***@db/events, schema streamstore');
    expect(await target('postgres', 'postgres://app:s3cret@db/events', 'acme')).toContain('schema tenant_acme');
    expect(await target('cassandra', 'cassandra://u:s3cret@10.0.0.1:9042/shop')).toBe('cassandra://10.0.0.1:9042, keyspace shop');
    expect(await target('s3', 's3://key:s3cret@events/app/?endpoint=http://127.0.0.1:7480', 'acme')).toBe(
      's3://events/app/tenants/acme/ at http://127.0.0.1:7480',
    );
  });

  it('asks for a connection string before loading a server backend', async () => {
    const settings = mergeSettings({ flags: { backend: 'postgres' }, env: {}, config: {}, cwd: '/', backends });
    await expect(backendEntry('postgres', backends).open({ settings, purpose: 'read' })).rejects.toMatchObject({
      code: 'CONFIGURATION',
      message: expect.stringContaining('needs a connection string'),
    });
  });
});
