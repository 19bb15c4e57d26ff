import type { StorageFixture } from './fixture.js';
import { missingRequirement, probeCapabilities, runScenario } from './plan.js';
import type { Requirement, Scenario } from './scenario.js';
import { conformanceScenarios } from './scenarios/index.js';

/** Which scenarios to run: an id or group prefix, a pattern over ids, or a predicate. */
export type ScenarioFilter = string | RegExp | ((scenario: Scenario) => boolean);

/** Options of {@link runScenarios}. */
export interface RunScenariosOptions {
  /** Runs only the matching scenarios (default: all). */
  filter?: ScenarioFilter;
  /** The scenarios to choose from (default: {@link conformanceScenarios}). */
  scenarios?: readonly Scenario[];
  /** Called after each scenario, e.g. to print progress. */
  onResult?: (result: ScenarioResult) => void;
}

/** Outcome of one scenario. */
export interface ScenarioResult {
  id: string;
  group: string;
  title: string;
  status: 'passed' | 'failed' | 'excluded';
  /** For `excluded`: the requirement the backend lacks. */
  missing?: Requirement;
  /** For `failed`: what was thrown. */
  error?: unknown;
  durationMs: number;
}

/** Outcome of a run. */
export interface ConformanceReport {
  backend: string;
  results: ScenarioResult[];
  passed: number;
  failed: number;
  excluded: number;
}

function matcher(filter: ScenarioFilter | undefined): (scenario: Scenario) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter;
  if (typeof filter === 'string') {
    return (scenario) => scenario.id === filter || scenario.id.startsWith(`${filter}.`) || scenario.group === filter;
  }
  return (scenario) => filter.test(scenario.id);
}

/**
 * Runs the conformance scenarios against `fixture` without any test runner, one after the other, and reports
 * each as passed, failed or excluded (the backend lacks a capability the scenario needs). Calls
 * `fixture.teardown` at the end. Never throws for a failing scenario: inspect `failed`.
 * @example
 * const report = await runScenarios({ name: 'memory', storage: () => memoryStorage() });
 * if (report.failed > 0) process.exitCode = 1;
 */
export async function runScenarios(fixture: StorageFixture, options: RunScenariosOptions = {}): Promise<ConformanceReport> {
  const selected = (options.scenarios ?? conformanceScenarios).filter(matcher(options.filter));
  const report: ConformanceReport = { backend: fixture.name, results: [], passed: 0, failed: 0, excluded: 0 };
  try {
    const capabilities = await probeCapabilities(fixture);
    for (const scenario of selected) {
      const started = performance.now();
      const base = { id: scenario.id, group: scenario.group, title: scenario.title };
      const missing = missingRequirement(scenario, fixture, capabilities);
      let result: ScenarioResult;
      if (missing !== undefined) {
        result = { ...base, status: 'excluded', missing, durationMs: 0 };
      } else {
        try {
          await runScenario(scenario, fixture, capabilities);
          result = { ...base, status: 'passed', durationMs: performance.now() - started };
        } catch (error) {
          result = { ...base, status: 'failed', error, durationMs: performance.now() - started };
        }
      }
      report.results.push(result);
      report[result.status]++;
      options.onResult?.(result);
    }
  } finally {
    await fixture.teardown?.();
  }
  return report;
}
