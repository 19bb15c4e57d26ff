import { afterAll, describe, it } from 'vitest';
import type { ConsumerStateFixture, ConsumerStateInstance } from './fixture.js';
import { type DescribeConsumerStateOptions, registerConsumerStateScenarios } from './register.js';

/**
 * Registers the consumer-state scenarios (checkpoint store, consumer lock, dead-letter store) as Vitest tests: a
 * `describe` per group, an `it` per scenario; a scenario needing what the fixture lacks shows as skipped.
 * @example
 * // packages/my-backend/test/consumer-state.test.ts
 * import { describeConsumerStateConformance } from '@streamstore/testing/vitest';
 * describeConsumerStateConformance({ name: 'my-backend', site: () => mySite() });
 */
export function describeConsumerStateConformance<I extends ConsumerStateInstance>(
  fixture: ConsumerStateFixture<I>,
  options: DescribeConsumerStateOptions = {},
): void {
  registerConsumerStateScenarios(
    {
      describe: (name, body) => describe(name, body),
      it: (title, body) => it(title, body),
      skip: (title) => it.skip(title, () => {}),
      after: (body) => afterAll(body),
    },
    fixture,
    options,
  );
}
