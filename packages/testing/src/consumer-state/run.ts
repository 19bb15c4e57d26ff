import { scenarioAssert } from '../support/assertions.js';
import { guardedRun } from '../support/guarded-run.js';
import type { ConsumerStateFixture, ConsumerStateInstance, ConsumerStateSite } from './fixture.js';
import type { ConsumerStateContext, ConsumerStateRequirement, ConsumerStateScenario } from './scenario.js';

/** The first requirement of `scenario` that `fixture` does not meet, or undefined when it can run. */
export function missingConsumerStateRequirement(
  scenario: ConsumerStateScenario,
  fixture: ConsumerStateFixture,
): ConsumerStateRequirement | undefined {
  return scenario.requires?.find((requirement) => requirement === 'crash' && typeof fixture.crash !== 'function');
}

/**
 * Runs one consumer-state scenario on a new site of `fixture`, then closes its instances (newest first) and the
 * site, also when it fails.
 */
export async function runConsumerStateScenario(
  scenario: ConsumerStateScenario,
  // biome-ignore lint/suspicious/noExplicitAny: a fixture of any instance type; the kit only passes its own instances back.
  fixture: ConsumerStateFixture<any>,
): Promise<void> {
  let site: ConsumerStateSite | undefined;
  const instances: ConsumerStateInstance[] = [];
  const context: ConsumerStateContext = {
    backend: fixture.name,
    assert: scenarioAssert,
    async instance() {
      site ??= await fixture.site();
      const instance = await site.open();
      instances.push(instance);
      return instance;
    },
    async crash(instance, consumer) {
      if (!fixture.crash) throw new Error(`Fixture ${fixture.name} cannot crash a lock holder`);
      await fixture.crash(instance, consumer);
    },
  };
  const cleanup = async () => {
    const closes = [...instances.reverse().map((instance) => () => instance.close()), async () => site?.close?.()];
    let failure: { error: unknown } | undefined;
    // Everything is closed even when something fails to close; the first failure is reported.
    for (const close of closes) {
      try {
        await close();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  };
  await guardedRun(() => scenario.run(context), cleanup);
}
