import { memoryStorage } from '@streamstore/core';
import type { AppendOutcome, StreamStorage } from '@streamstore/core/storage';
import { conformanceScenarios, runScenarios, type StorageFixture, withCapabilities } from '@streamstore/testing';
import { describe, expect, it } from 'vitest';

const memory: StorageFixture = { name: 'memory', storage: () => memoryStorage() };

/** A storage that forgets to check the expected revision: the kit must catch it. */
function ignoringExpected(storage: StreamStorage): StreamStorage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'append') {
        return (streamId: string, _expected: unknown, ...rest: [never, never]): Promise<AppendOutcome> =>
          target.append(streamId, 'any', ...rest);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('conformanceScenarios', () => {
  it('has at least 60 scenarios with unique ids prefixed by their group', () => {
    expect(conformanceScenarios.length).toBeGreaterThanOrEqual(60);
    const ids = conformanceScenarios.map((scenario) => scenario.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const scenario of conformanceScenarios) expect(scenario.id.startsWith(`${scenario.group}.`)).toBe(true);
  });
});

describe('runScenarios', () => {
  it('runs the chosen scenarios without a runner and reports them', async () => {
    const report = await runScenarios(memory, { filter: 'append' });
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(conformanceScenarios.filter((s) => s.group === 'append').length);
    expect(report.results.every((result) => result.status === 'passed')).toBe(true);
  });

  it('reports scenarios needing a missing capability or fixture feature as excluded, never as passed', async () => {
    const fixture: StorageFixture = {
      name: 'no-global-order',
      storage: () => withCapabilities(memoryStorage(), { globalOrder: false }),
    };
    const report = await runScenarios(fixture, { filter: /^(global-order|tenants|races)\./ });
    const byId = new Map(report.results.map((result) => [result.id, result]));
    expect(byId.get('global-order.commit-order')).toMatchObject({ status: 'excluded', missing: 'globalOrder' });
    expect(byId.get('tenants.isolation')).toMatchObject({ status: 'excluded', missing: 'multitenant' });
    expect(byId.get('races.one-stream-two-connections')).toMatchObject({ status: 'excluded', missing: 'reopen' });
    expect(byId.get('races.one-stream')?.status).toBe('passed');
    expect(report.failed).toBe(0);
  });

  it('catches a backend that does not check the expected revision', async () => {
    const fixture: StorageFixture = { name: 'broken', storage: () => ignoringExpected(memoryStorage()) };
    const report = await runScenarios(fixture, { filter: (s) => s.group === 'append' || s.group === 'races' });
    const failed = report.results.filter((result) => result.status === 'failed').map((result) => result.id);
    expect(failed).toContain('append.no-stream-existing');
    expect(failed).toContain('append.number-behind');
    expect(failed).toContain('races.one-stream');
  });

  it('calls teardown once and closes every storage a scenario opened', async () => {
    let open = 0;
    let teardowns = 0;
    const fixture: StorageFixture = {
      name: 'counted',
      storage: () => {
        const storage = memoryStorage();
        open++;
        return new Proxy(storage, {
          get(target, property, receiver) {
            if (property === 'close') {
              return async () => {
                open--;
                await target.close();
              };
            }
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
      teardown: async () => {
        teardowns++;
      },
    };
    const report = await runScenarios(fixture, { filter: /^(read|delete)\./ });
    expect(report.failed).toBe(0);
    expect(open).toBe(0);
    expect(teardowns).toBe(1);
  });
});
