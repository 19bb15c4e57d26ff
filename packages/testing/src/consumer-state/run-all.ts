import type { ConsumerStateFixture } from './fixture.js';
import { missingConsumerStateRequirement, runConsumerStateScenario } from './run.js';
import type { ConsumerStateScenario } from './scenario.js';
import { consumerStateScenarios } from './scenarios/index.js';

/** Outcome of one consumer-state scenario. */
export interface ConsumerStateResult {
  id: string;
  status: 'passed' | 'failed' | 'excluded';
  /** For `failed`: what was thrown; for `excluded`: the requirement the fixture lacks. */
  error?: unknown;
  missing?: string;
  durationMs: number;
}

/**
 * Runs the consumer-state scenarios without a test runner, one after the other, then `fixture.teardown`. Never
 * throws for a failing scenario: count the `failed` results.
 * @example
 * const results = await runConsumerStateScenarios(myFixture);
 * if (results.some((result) => result.status === 'failed')) process.exitCode = 1;
 */
export async function runConsumerStateScenarios(
  // biome-ignore lint/suspicious/noExplicitAny: a fixture of any instance type.
  fixture: ConsumerStateFixture<any>,
  scenarios: readonly ConsumerStateScenario[] = consumerStateScenarios,
): Promise<ConsumerStateResult[]> {
  const results: ConsumerStateResult[] = [];
  try {
    for (const scenario of scenarios) {
      const missing = missingConsumerStateRequirement(scenario, fixture);
      const started = performance.now();
      if (missing !== undefined) {
        results.push({ id: scenario.id, status: 'excluded', missing, durationMs: 0 });
        continue;
      }
      try {
        await runConsumerStateScenario(scenario, fixture);
        results.push({ id: scenario.id, status: 'passed', durationMs: performance.now() - started });
      } catch (error) {
        results.push({ id: scenario.id, status: 'failed', error, durationMs: performance.now() - started });
      }
    }
  } finally {
    await fixture.teardown?.();
  }
  return results;
}
