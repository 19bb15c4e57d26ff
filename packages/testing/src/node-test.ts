/**
 * The `node:test` adapter of the conformance kit. Import it from `@streamstore/testing/node-test`.
 */
import { after, describe, it } from 'node:test';
import type { StorageFixture } from './fixture.js';
import { exclusionReason, groupScenarios, missingRequirement, probeCapabilities, runScenario, scenarioTitle } from './plan.js';
import type { Scenario } from './scenario.js';
import { conformanceScenarios } from './scenarios/index.js';

export { describeConsumerStateConformance } from './consumer-state/node-test.js';

/** Options of {@link describeConformance}. */
export interface DescribeConformanceOptions {
  /** The scenarios to register (default: all of {@link conformanceScenarios}). */
  scenarios?: readonly Scenario[];
}

/**
 * Registers the conformance scenarios as `node:test` tests: a `describe` per group, an `it` per scenario. A
 * scenario needing a capability the backend lacks is registered with `{ skip: 'excluded: backend lacks <capability>' }`,
 * so it is reported as skipped, never as passed.
 * @example
 * // my-backend.conformance.test.mjs, run with `node --test`
 * import { describeConformance } from '@streamstore/testing/node-test';
 * describeConformance({ name: 'my-backend', storage: () => myStorage({ dir: freshDir() }) });
 */
export function describeConformance(fixture: StorageFixture, options: DescribeConformanceOptions = {}): void {
  const scenarios = options.scenarios ?? conformanceScenarios;
  describe(`conformance: ${fixture.name}`, async () => {
    const capabilities = await probeCapabilities(fixture);
    after(async () => {
      await fixture.teardown?.();
    });
    for (const [group, members] of groupScenarios(scenarios)) {
      describe(group, () => {
        for (const scenario of members) {
          const missing = missingRequirement(scenario, fixture, capabilities);
          if (missing !== undefined) {
            it(scenarioTitle(scenario, missing), { skip: exclusionReason(missing) }, () => {});
          } else {
            it(scenarioTitle(scenario), () => runScenario(scenario, fixture, capabilities));
          }
        }
      });
    }
  });
}
