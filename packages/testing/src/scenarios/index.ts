import type { Scenario } from '../scenario.js';
import { appendScenarios } from './append.js';
import { appendManyScenarios } from './append-many.js';
import { bulkScenarios } from './bulk.js';
import { cancellationScenarios } from './cancellation.js';
import { capabilityScenarios } from './capabilities.js';
import { dataScenarios } from './data.js';
import { deleteScenarios } from './delete.js';
import { deleteEventScenarios } from './delete-events.js';
import { globalOrderScenarios } from './global-order.js';
import { groupCommitScenarios } from './group-commit.js';
import { hostileInputScenarios } from './hostile-input.js';
import { idempotencyScenarios } from './idempotency.js';
import { lifecycleScenarios } from './lifecycle.js';
import { limitScenarios } from './limits.js';
import { listStreamScenarios } from './list-streams.js';
import { categoryReadScenarios, readAllBackwardScenarios } from './log-reads.js';
import { modelBasedScenarios } from './model-based.js';
import { raceScenarios } from './races.js';
import { readScenarios } from './read.js';
import { retentionScenarios } from './retention.js';
import { scavengeScenarios } from './scavenge.js';
import { serializationScenarios } from './serialization.js';
import { storageErrorScenarios } from './storage-errors.js';
import { streamIdScenarios } from './stream-ids.js';
import { streamMetadataScenarios } from './stream-metadata.js';
import { subscriptionScenarios } from './subscriptions.js';
import { tenantScenarios } from './tenants.js';
import { tombstoneCapabilityScenarios, tombstoneScenarios } from './tombstones.js';
import { transactionScenarios } from './transactions.js';
import { truncateEventScenarios } from './truncate-events.js';
import { validationScenarios } from './validation.js';

/**
 * Every conformance scenario, grouped by the part of the contract (DESIGN.md section 3) it covers. Ids are unique
 * and stable; run them through `runScenarios` or a runner adapter.
 */
export const conformanceScenarios: readonly Scenario[] = Object.freeze([
  ...appendScenarios,
  ...idempotencyScenarios,
  ...readScenarios,
  ...deleteScenarios,
  ...tombstoneScenarios,
  ...tombstoneCapabilityScenarios,
  ...deleteEventScenarios,
  ...dataScenarios,
  ...streamIdScenarios,
  ...globalOrderScenarios,
  ...readAllBackwardScenarios,
  ...categoryReadScenarios,
  ...listStreamScenarios,
  ...streamMetadataScenarios,
  ...retentionScenarios,
  ...truncateEventScenarios,
  ...scavengeScenarios,
  ...cancellationScenarios,
  ...limitScenarios,
  ...validationScenarios,
  ...tenantScenarios,
  ...capabilityScenarios,
  ...lifecycleScenarios,
  ...storageErrorScenarios,
  ...raceScenarios,
  ...groupCommitScenarios,
  ...transactionScenarios,
  ...appendManyScenarios,
  ...subscriptionScenarios,
  ...serializationScenarios,
  ...bulkScenarios,
  ...modelBasedScenarios,
  ...hostileInputScenarios,
]);
