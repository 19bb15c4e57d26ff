import { describe, expect, it } from 'vitest';
import { BACKENDS, redactUrl } from '../src/backends.js';
import { BACKEND_NAMES, mergeSettings } from '../src/config.js';

describe('backend registry', () => {
  it('has an entry for every backend name', () => {
    expect(Object.keys(BACKENDS).sort()).toEqual([...BACKEND_NAMES].sort());
    for (const name of BACKEND_NAMES) expect(BACKENDS[name].name).toBe(name);
  });

  it('never shows passwords in targets', async () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/events')).toBe('postgres://app:***@db:5432/events');
    const target = (backend: string, url: string, tenant?: string) => {
      const settings = mergeSettings({ flags: { backend, url }, env: {}, config: {}, cwd: '/' });
      return BACKENDS[settings.backend].describeTarget(settings, tenant);
    };
    expect(await target('postgres', 'postgres://app:s3cret@db/events')).toBe('postgres://app:***@db/events, schema streamstore');
    expect(await target('postgres', 'postgres://app:s3cret@db/events', 'acme')).toContain('schema tenant_acme');
    expect(await target('cassandra', 'cassandra://u:s3cret@10.0.0.1:9042/shop')).toBe('cassandra://10.0.0.1:9042, keyspace shop');
    expect(await target('s3', 's3://key:s3cret@events/app/?endpoint=http://127.0.0.1:7480', 'acme')).toBe(
      's3://events/app/tenants/acme/ at http://127.0.0.1:7480',
    );
  });

  it('asks for a connection string before loading a server backend', async () => {
    const settings = mergeSettings({ flags: { backend: 'postgres' }, env: {}, config: {}, cwd: '/' });
    await expect(BACKENDS.postgres.open({ settings, purpose: 'read' })).rejects.toMatchObject({
      code: 'CONFIGURATION',
      message: expect.stringContaining('needs a connection string'),
    });
  });
});
