import { after, describe, it } from 'node:test';
import type { ConsumerStateFixture, ConsumerStateInstance } from './fixture.js';
import { type DescribeConsumerStateOptions, registerConsumerStateScenarios } from './register.js';

/**
 * Registers the consumer-state scenarios (checkpoint store, consumer lock, dead-letter store) as `node:test` tests:
 * a `describe` per group, an `it` per scenario; a scenario needing what the fixture lacks is reported as skipped.
 * @example
 * // my-backend.consumer-state.test.mjs, run with `node --test`
 * import { describeConsumerStateConformance } from '@streamstore/testing/node-test';
 * describeConsumerStateConformance({ name: 'my-backend', site: () => mySite() });
 */
export function describeConsumerStateConformance<I extends ConsumerStateInstance>(
  fixture: ConsumerStateFixture<I>,
  options: DescribeConsumerStateOptions = {},
): void {
  registerConsumerStateScenarios(
    {
      describe: (name, body) => void describe(name, body),
      it: (title, body) => void it(title, body),
      skip: (title, reason) => void it(title, { skip: reason }, () => {}),
      after: (body) => after(body),
    },
    fixture,
    options,
  );
}
