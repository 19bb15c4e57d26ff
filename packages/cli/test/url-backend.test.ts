import { describe, expect, it } from 'vitest';
import { discoverBackends } from '../src/backend-descriptors.js';
import { mergeSettings } from '../src/config.js';

const backends = await discoverBackends();
const merge = (flags: object, env: object = {}, config: object = {}) =>
  mergeSettings({ flags, env, config, cwd: '/w', backends });

describe('the backend a --url names', () => {
  it('chooses the backend over a weaker source, never over a stronger one', () => {
    expect(merge({ url: 'postgres://h/db' })).toMatchObject({ backend: 'postgres', sources: { backend: 'flag' } });
    expect(merge({}, { url: 'cassandra://h/ks' })).toMatchObject({ backend: 'cassandra', sources: { backend: 'env' } });
    expect(merge({ url: 's3://bucket/' }, { backend: 'sqlite' })).toMatchObject({ backend: 's3' });
    expect(merge({ backend: 'memory' }, { url: 'postgresql://h/db' })).toMatchObject({ backend: 'memory' });
    expect(merge({}, {}, { url: 'mysql://h/db' })).toMatchObject({ backend: 'sqlite' });
  });

  it('refuses a backend from the same source that disagrees with it', () => {
    expect(() => merge({ backend: 'sqlite', url: 'postgres://h/db' })).toThrow(
      /--url names the postgres backend \(from the --url flag\) but --backend is sqlite \(from the --backend flag\)/,
    );
    expect(() => merge({}, {}, { backend: 's3', url: 'cassandra://h' })).toThrow(/ConfigurationError|cassandra backend/);
    expect(merge({ backend: 'postgres', url: 'postgres://h/db' })).toMatchObject({ backend: 'postgres' });
  });
});
