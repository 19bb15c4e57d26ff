import type { StorageCapabilities } from '@streamstore/core/storage';
import { openScenarioSession } from './context.js';
import type { StorageFixture } from './fixture.js';
import type { Requirement, Scenario } from './scenario.js';
import { guardedRun } from './support/guarded-run.js';

/** The capabilities a fixture's storages declare, read from a throw-away storage (not provisioned). */
export async function probeCapabilities(fixture: StorageFixture): Promise<Readonly<StorageCapabilities>> {
  const storage = await fixture.storage();
  try {
    return Object.freeze({ ...storage.capabilities });
  } finally {
    await storage.close();
  }
}

/** The first requirement of `scenario` that the fixture does not meet, or undefined when it can run. */
export function missingRequirement(
  scenario: Scenario,
  fixture: StorageFixture,
  capabilities: Readonly<StorageCapabilities>,
): Requirement | undefined {
  return scenario.requires?.find((requirement) => {
    if (requirement === 'multitenant') return typeof fixture.multitenant !== 'function';
    if (requirement === 'reopen') return typeof fixture.reopen !== 'function';
    const value = capabilities[requirement];
    return value === undefined || value === false;
  });
}

/** The reason shown for a scenario that cannot run on this backend. */
export function exclusionReason(requirement: Requirement): string {
  return `excluded: backend lacks ${requirement}`;
}

/** The title a runner shows for a scenario. */
export function scenarioTitle(scenario: Scenario, excludedBecause?: Requirement): string {
  const title = `${scenario.title} [${scenario.id}]`;
  return excludedBecause === undefined ? title : `${title} (${exclusionReason(excludedBecause)})`;
}

/**
 * Runs one scenario in a fresh context and closes what it opened, also when it fails. A promise rejection left
 * unhandled meanwhile fails the scenario too: in production it would crash the process.
 */
export async function runScenario(
  scenario: Scenario,
  fixture: StorageFixture,
  capabilities: Readonly<StorageCapabilities>,
): Promise<void> {
  const session = openScenarioSession(fixture, capabilities);
  await guardedRun(
    () => scenario.run(session.context),
    () => session.dispose(),
  );
}

/** Scenarios grouped by `group`, in first-seen order (those of either kit). */
export function groupScenarios<S extends { group: string }>(scenarios: readonly S[]): Map<string, S[]> {
  const groups = new Map<string, S[]>();
  for (const scenario of scenarios) {
    const list = groups.get(scenario.group) ?? [];
    list.push(scenario);
    groups.set(scenario.group, list);
  }
  return groups;
}
