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
  });

  it('refuses a URL no installed backend takes when it would choose the backend, naming the package to install', () => {
    const installed = backends.filter((descriptor) => descriptor.name === 'memory' || descriptor.name === 'sqlite');
    const only = (flags: object, env: object = {}) => mergeSettings({ flags, env, config: {}, cwd: '/w', backends: installed });
    expect(() => only({ url: 'postgres://h/db' })).toThrow(
      /--url \(from the --url flag\) is a 'postgres:' URL, which no installed backend takes \(installed: memory, sqlite\): run 'npm install @streamstore\/postgres'/,
    );
    expect(() => only({ backend: 'postgres', url: 'postgres://h/db' })).toThrow(/npm install @streamstore\/postgres/);
    // A backend named as directly as the URL judges the URL itself (its own message about the URL it expects).
    expect(only({ backend: 'sqlite', url: 'postgres://h/db' })).toMatchObject({ backend: 'sqlite' });
    expect(() => merge({}, {}, { url: 'mysql://h/db' })).toThrow(/'mysql:' URL, which no installed backend takes/);
    // A backend given more directly than the URL: the URL only matters to it.
    expect(only({ backend: 'sqlite' }, { url: 'postgres://h/db' })).toMatchObject({ backend: 'sqlite' });
    expect(() => only({ backend: 'postgres' })).toThrow(
      /Unknown backend 'postgres' \(from the --backend flag\): the installed ones are memory, sqlite; .*run 'npm install @streamstore\/postgres'/,
    );
  });

  it('refuses a backend from the same source that disagrees with it', () => {
    expect(() => merge({ backend: 'sqlite', url: 'postgres://h/db' })).toThrow(
      /--url names the postgres backend \(from the --url flag\) but --backend is sqlite \(from the --backend flag\)/,
    );
    expect(() => merge({}, {}, { backend: 's3', url: 'cassandra://h' })).toThrow(/ConfigurationError|cassandra backend/);
    expect(merge({ backend: 'postgres', url: 'postgres://h/db' })).toMatchObject({ backend: 'postgres' });
  });
});
