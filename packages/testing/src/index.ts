/**
 * @streamstore/testing: the StreamStore conformance kit. Runner-agnostic scenarios (plain async functions), a
 * runner-free `runScenarios`, and thin adapters in `@streamstore/testing/vitest` and `@streamstore/testing/node-test`.
 */

export * from './bench/index.js';
export * from './consumer-state/index.js';
export * from './crash/index.js';
export * from './faults/index.js';
export type { StorageFixture } from './fixture.js';
export * from './model/index.js';
export { exclusionReason, missingRequirement, probeCapabilities, runScenario } from './plan.js';
export {
  type ConformanceReport,
  type RunScenariosOptions,
  runScenarios,
  type ScenarioFilter,
  type ScenarioResult,
} from './run-scenarios.js';
export type {
  Requirement,
  Scenario,
  ScenarioAssert,
  ScenarioContext,
  ScenarioFactoryOptions,
  ScenarioStoreOptions,
} from './scenario.js';
export { conformanceScenarios } from './scenarios/index.js';
export { assertRejects, assertRejectsAbort, type ErrorClass, type ExpectedProperties } from './support/assertions.js';
export { encodedTestEvent } from './support/encoded-events.js';
export { collect, essentials, snapshot, type TestPayload, testEvents } from './support/events.js';
export { type CallCounter, callCounter, withCapabilities } from './support/storage-wrappers.js';
export { tenantSecret, writeTenantsForIsolation } from './support/tenant-isolation.js';
export { measureWakeUps, type WakeUpOptions } from './support/wake-up.js';
