/**
 * Backend descriptors: every backend package in the repository is discovered through its `./descriptor` export, and
 * what the descriptors declare agrees with what the command knows; a backend that is not installed names its package.
 */
import { ConfigurationError } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { backendDescriptor, backendOfScheme, discoverBackends } from '../src/backend-descriptors.js';

describe('backend descriptors', () => {
  it('discovers memory and every installed backend package, memory first, each from its own package', async () => {
    const descriptors = await discoverBackends();
    expect(descriptors.map((descriptor) => descriptor.name)).toEqual(['memory', 'cassandra', 'postgres', 's3', 'sqlite']);
    for (const descriptor of descriptors.slice(1)) {
      expect(descriptor.packageName).toBe(`@streamstore/${descriptor.name}`);
      expect(await backendDescriptor(descriptor.name)).toBe(descriptor);
    }
  });

  it('URL schemes name their backends, case-insensitively; other URLs and paths name none', async () => {
    const descriptors = await discoverBackends();
    const named = (url: string) => backendOfScheme(url, descriptors)?.name;
    expect(['postgres://h/db', 'POSTGRESQL://h/db', 'cassandra://h?dc=x', 's3://b/'].map(named)).toEqual([
      'postgres',
      'postgres',
      'cassandra',
      's3',
    ]);
    expect(['http://h/', 'file.db', '/tmp/x.db'].map(named)).toEqual([undefined, undefined, undefined]);
  });

  it('a backend whose package is not installed is a ConfigurationError naming the package to install', async () => {
    const error = await backendDescriptor('nosuch').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /needs @streamstore\/nosuch, which is not installed: run 'npm install @streamstore\/nosuch'/,
    );
  });

  it('test servers: a URL and an address for the server backends, a scratch namespace for every backend', async () => {
    for (const descriptor of await discoverBackends()) {
      expect(typeof descriptor.testServer?.scratch).toBe('function');
      if (descriptor.name === 'memory' || descriptor.name === 'sqlite') continue;
      expect(backendOfScheme(descriptor.testServer?.url ?? '', [descriptor])).toBe(descriptor);
      expect(descriptor.testServer?.address?.host).toBe('127.0.0.1');
    }
    const scratch = await (await backendDescriptor('sqlite')).testServer?.scratch();
    const storage = scratch?.storage();
    await storage?.provision();
    await storage?.close();
    await scratch?.cleanup();
  });
});
