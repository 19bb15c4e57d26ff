/**
 * The reference model of the storage contract and the machinery of the model-based and hostile-input scenarios.
 */

export {
  type CommandSpace,
  type ExpectedSpec,
  MODEL_STREAMS,
  type ModelCommand,
  modelCommands,
  type RetryMode,
} from './commands.js';
export { CONTENDED_STREAMS, runConcurrentWriters, type WriterCommand, writerCommands } from './concurrent-run.js';
export * from './contract-rules.js';
export { type CheckPropertyOptions, checkProperty } from './property.js';
export {
  type ModelAppendOutcome,
  type ModelDeleteOutcome,
  type ModelEvent,
  type ModelEventInput,
  type ModelReadOptions,
  ReferenceModel,
  TenantModel,
} from './reference-model.js';
export { DEFAULT_SEED, type PropertyRunSettings, propertyRunSettings } from './run-settings.js';
export { ModelDivergenceError, type ModelRunTarget, runModelCommands } from './sequential-run.js';
