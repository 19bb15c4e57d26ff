import type { StorageCapabilities } from '@streamstore/core';
import { openScenarioSession } from './context.js';
import type { StorageFixture } from './fixture.js';
import type { Requirement, Scenario } from './scenario.js';

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
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const session = openScenarioSession(fixture, capabilities);
  let failure: { error: unknown } | undefined;
  try {
    await scenario.run(session.context);
  } catch (error) {
    failure = { error };
  }
  try {
    await session.dispose();
  } catch (error) {
    // A failure to close only counts when the scenario itself passed; otherwise the first error is the story.
    failure ??= { error };
  }
  // Node reports unhandled rejections after the microtask queue drains: give it a turn before looking.
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', onUnhandled);
  if (failure) throw failure.error;
  if (unhandled.length > 0) {
    const first = unhandled[0];
    const shown = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
    throw new Error(`The scenario left ${unhandled.length} promise rejection(s) unhandled, the first: ${shown}`, {
      cause: first,
    });
  }
}

/** Scenarios grouped by `group`, in first-seen order. */
export function groupScenarios(scenarios: readonly Scenario[]): Map<string, Scenario[]> {
  const groups = new Map<string, Scenario[]>();
  for (const scenario of scenarios) {
    const list = groups.get(scenario.group) ?? [];
    list.push(scenario);
    groups.set(scenario.group, list);
  }
  return groups;
}
