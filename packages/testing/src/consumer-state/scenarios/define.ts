import type { ConsumerStateContext, ConsumerStateRequirement, ConsumerStateScenario } from '../scenario.js';

/** A builder of one group's scenarios: `scenario(name, title, run, requires?)` makes `{ id: '<group>.<name>', ... }`. */
export function consumerStateGroup(group: string) {
  return (
    name: string,
    title: string,
    run: (ctx: ConsumerStateContext) => Promise<void>,
    requires?: ConsumerStateRequirement[],
  ): ConsumerStateScenario =>
    requires === undefined
      ? { id: `${group}.${name}`, group, title, run }
      : { id: `${group}.${name}`, group, title, requires, run };
}

/** Resolves after `ms`. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The events the scenarios write: ids as given, type `Tick`. */
export const ticks = (...ids: string[]) => ids.map((id) => ({ id, type: 'Tick', data: { id } }));
