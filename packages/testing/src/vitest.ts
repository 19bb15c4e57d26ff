/**
 * The Vitest adapter of the conformance kit. Import it from `@streamstore/testing/vitest` inside a test file.
 */
import { afterAll, describe, it } from 'vitest';
import type { StorageFixture } from './fixture.js';
import { groupScenarios, missingRequirement, probeCapabilities, runScenario, scenarioTitle } from './plan.js';
import type { Scenario } from './scenario.js';
import { conformanceScenarios } from './scenarios/index.js';

export { describeConsumerStateConformance } from './consumer-state/vitest.js';

/** Options of {@link describeConformance}. */
export interface DescribeConformanceOptions {
  /** The scenarios to register (default: all of {@link conformanceScenarios}). */
  scenarios?: readonly Scenario[];
}

/**
 * Registers the conformance scenarios as Vitest tests: a `describe` per group, an `it` per scenario. A scenario
 * needing a capability the backend lacks is registered with `it.skip` and a title saying
 * `excluded: backend lacks <capability>`, so it shows as skipped, never as passed.
 * @example
 * // packages/my-backend/test/conformance.test.ts
 * import { describeConformance } from '@streamstore/testing/vitest';
 * describeConformance({ name: 'my-backend', storage: () => myStorage({ dir: freshDir() }) });
 */
export function describeConformance(fixture: StorageFixture, options: DescribeConformanceOptions = {}): void {
  const scenarios = options.scenarios ?? conformanceScenarios;
  describe(`conformance: ${fixture.name}`, async () => {
    const capabilities = await probeCapabilities(fixture);
    afterAll(async () => {
      await fixture.teardown?.();
    });
    for (const [group, members] of groupScenarios(scenarios)) {
      describe(group, () => {
        for (const scenario of members) {
          const missing = missingRequirement(scenario, fixture, capabilities);
          if (missing !== undefined) {
            it.skip(scenarioTitle(scenario, missing), () => {});
          } else {
            it(scenarioTitle(scenario), () => runScenario(scenario, fixture, capabilities));
          }
        }
      });
    }
  });
}
