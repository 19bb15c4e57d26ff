import type { ConsumerStateScenario } from '../scenario.js';
import { checkpointScenarios } from './checkpoints.js';
import { deadLetterScenarios } from './dead-letters.js';
import { lockScenarios } from './locks.js';

/** Every consumer-state scenario, by group: checkpoints, locks, dead letters. */
export const consumerStateScenarios: readonly ConsumerStateScenario[] = Object.freeze([
  ...checkpointScenarios,
  ...lockScenarios,
  ...deadLetterScenarios,
]);
