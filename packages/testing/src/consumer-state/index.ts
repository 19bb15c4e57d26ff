/** The consumer-state kit: scenarios every backend's checkpoint store, consumer lock and dead-letter store pass. */
export type { ConsumerStateFixture, ConsumerStateInstance, ConsumerStateSite } from './fixture.js';
export type { DescribeConsumerStateOptions } from './register.js';
export { type ConsumerStateResult, runConsumerStateScenarios } from './run-all.js';
export type { ConsumerStateContext, ConsumerStateRequirement, ConsumerStateScenario } from './scenario.js';
export { consumerStateScenarios } from './scenarios/index.js';
