import type { ScenarioAssert } from '../assert-types.js';
import type { ConsumerStateInstance } from './fixture.js';

/** What a consumer-state scenario needs beyond the basics: a fixture that can crash a lock holder. */
export type ConsumerStateRequirement = 'crash';

/** What a consumer-state scenario works with. Everything it opens is closed when it ends. */
export interface ConsumerStateContext {
  /** The fixture's name (for messages). */
  readonly backend: string;
  /** Another instance over the scenario's site (the first call opens the site). */
  instance(): Promise<ConsumerStateInstance>;
  /** Crashes `instance`'s hold of `consumer`'s lock (requirement `crash`). */
  crash(instance: ConsumerStateInstance, consumer: string): Promise<void>;
  readonly assert: ScenarioAssert;
}

/** One consumer-state scenario: a plain async function plus what it needs. */
export interface ConsumerStateScenario {
  /** Stable identifier, `<group>.<name>`. */
  id: string;
  /** The store it covers (`checkpoints`, `locks`, `dead-letters`): one `describe` per group in the adapters. */
  group: string;
  /** What it checks, in a sentence. */
  title: string;
  requires?: ConsumerStateRequirement[];
  run(ctx: ConsumerStateContext): Promise<void>;
}
