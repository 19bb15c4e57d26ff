import type { Requirement, Scenario, ScenarioContext } from '../scenario.js';

/**
 * A builder of the scenarios of one group: `scenario(name, title, run, requires?)` makes `{ id: '<group>.<name>', ... }`.
 */
export function scenarioGroup(group: string) {
  return (name: string, title: string, run: (ctx: ScenarioContext) => Promise<void>, requires?: Requirement[]): Scenario =>
    requires === undefined
      ? { id: `${group}.${name}`, group, title, run }
      : { id: `${group}.${name}`, group, title, requires, run };
}
