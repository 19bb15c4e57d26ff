import { groupScenarios } from '../plan.js';
import type { ConsumerStateFixture } from './fixture.js';
import { missingConsumerStateRequirement, runConsumerStateScenario } from './run.js';
import type { ConsumerStateScenario } from './scenario.js';
import { consumerStateScenarios } from './scenarios/index.js';

/** Options of `describeConsumerStateConformance`. */
export interface DescribeConsumerStateOptions {
  /** The scenarios to register (default: all of {@link consumerStateScenarios}). */
  scenarios?: readonly ConsumerStateScenario[];
}

/** The few calls of a test runner the adapters need (Vitest and `node:test` both have them). */
export interface RunnerCalls {
  describe(name: string, body: () => void): void;
  it(title: string, body: () => Promise<void>): void;
  skip(title: string, reason: string): void;
  after(body: () => Promise<void>): void;
}

/**
 * Registers the consumer-state scenarios with a runner: a `describe` per group, a test per scenario, and one the
 * fixture cannot run registered as skipped with the reason, never as passed.
 */
export function registerConsumerStateScenarios(
  runner: RunnerCalls,
  // biome-ignore lint/suspicious/noExplicitAny: a fixture of any instance type.
  fixture: ConsumerStateFixture<any>,
  options: DescribeConsumerStateOptions = {},
): void {
  runner.describe(`consumer state: ${fixture.name}`, () => {
    runner.after(async () => {
      await fixture.teardown?.();
    });
    for (const [group, members] of groupScenarios(options.scenarios ?? consumerStateScenarios)) {
      runner.describe(group, () => {
        for (const scenario of members) {
          const title = `${scenario.title} [${scenario.id}]`;
          const missing = missingConsumerStateRequirement(scenario, fixture);
          if (missing === undefined) runner.it(title, () => runConsumerStateScenario(scenario, fixture));
          else runner.skip(`${title} (excluded: fixture lacks ${missing})`, `excluded: fixture lacks ${missing}`);
        }
      });
    }
  });
}
